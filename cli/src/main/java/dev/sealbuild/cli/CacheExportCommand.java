package dev.sealbuild.cli;

import dev.sealbuild.lockfiles.cache.CacheArtifact;
import dev.sealbuild.lockfiles.cache.VendorCacheLayout;
import dev.sealbuild.prep.bundle.CacheBundleWriter;
import dev.sealbuild.prep.cache.CacheWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "export", mixinStandardHelpOptions = true,
    description = {"Write exactly the blobs the given projects' locks need (the whole cache without PATH) as an OCI",
        "image layout in a tar (skopeo's oci-archive), one artifact per lock tagged lock-<lock sha256>: carry it into an",
        "air-gapped network and run build cache import FILE there."})
final class CacheExportCommand implements Callable<Integer> {
  @Spec CommandSpec commandSpec;

  @Parameters(arity = "0..*", paramLabel = "PATH", description = "spec file, Dockerfile or directory of a project whose lock to export")
  List<Path> paths = new ArrayList<>();

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "the tar to write (replaced only when complete)")
  Path output;

  @Mixin
  CacheOption cacheOption = new CacheOption();

  private final Environment env;

  CacheExportCommand(Environment env) {
    this.env = env;
  }

  @Override
  public Integer call() {
    VendorCacheLayout layout = CacheWriter.open(env.cache(cacheOption.cache)).layout();
    List<CacheArtifact> artifacts = CacheLocks.artifacts(env, paths, layout);
    Path file = env.workingDir().resolve(output);
    CacheBundleWriter.Result result = new CacheBundleWriter(layout).write(artifacts, file);
    for (CacheArtifact artifact : artifacts) {
      commandSpec.commandLine().getOut().println(artifact.tag() + "@" + artifact.descriptor().digest());
    }
    commandSpec.commandLine().getErr().println("exported " + result.blobs() + " blobs (" + result.bytes() + " bytes) of "
        + artifacts.size() + " artifact" + (artifacts.size() == 1 ? "" : "s") + " to " + file);
    return 0;
  }
}

package dev.sealbuild.cli;

import dev.sealbuild.formats.oci.Descriptor;
import dev.sealbuild.lockfiles.cache.CacheArtifact;
import dev.sealbuild.lockfiles.cache.VendorCacheLayout;
import dev.sealbuild.prep.cache.CacheWriter;
import dev.sealbuild.prep.cacheregistry.CachePusher;
import dev.sealbuild.prep.cacheregistry.CacheRepository;
import dev.sealbuild.prep.http.Transport;
import dev.sealbuild.prep.http.TransportSettings;
import dev.sealbuild.prep.registry.BlobPush;
import dev.sealbuild.prep.registry.ImageReference;
import dev.sealbuild.prep.registry.RegistryPusher;
import java.io.PrintWriter;
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

@Command(name = "push", mixinStandardHelpOptions = true,
    description = {"Upload the blobs the given projects' locks need (the whole cache without PATH) to a registry",
        "repository as OCI artifacts, one per lock, tagged lock-<lock sha256>. Only blobs the registry lacks are",
        "sent. Other machines then run build prep --from docker://REGISTRY/REPOSITORY.",
        "stdout: one line per artifact, REFERENCE@DIGEST."})
final class CachePushCommand implements Callable<Integer> {
  @Spec CommandSpec commandSpec;

  @Parameters(arity = "0..*", paramLabel = "PATH", description = "spec file, Dockerfile or directory of a project whose lock to push")
  List<Path> paths = new ArrayList<>();

  @Option(names = "--to", required = true, paramLabel = "docker://REGISTRY/REPOSITORY", description = "the repository to push to")
  String to;

  @Mixin
  CacheOption cacheOption = new CacheOption();

  @Option(names = "--mount-from", paramLabel = "docker://REGISTRY/REPOSITORY",
      description = "another repository of the same registry that may hold the blobs already: they are mounted from"
          + " there (a cross-repository mount, where the registry allows it) instead of sent again")
  String mountFrom;

  @Mixin
  RegistryOptions registryOptions = new RegistryOptions();

  @Option(names = {"-j", "--jobs"}, paramLabel = "N", defaultValue = "4", description = "blobs sent at once (default: ${DEFAULT-VALUE})")
  int jobs;

  @Option(names = "--retries", paramLabel = "N", defaultValue = "2",
      description = "retries of a request after a connection error, 429 or 5xx (default: ${DEFAULT-VALUE})")
  int retries;

  private final Environment env;

  CachePushCommand(Environment env) {
    this.env = env;
  }

  @Override
  public Integer call() {
    if (retries < 0 || retries > PushCommand.MAX_RETRIES) {
      throw new CliException("--retries must be between 0 and " + PushCommand.MAX_RETRIES);
    }
    if (jobs < 1 || jobs > 64) {
      throw new CliException("--jobs must be between 1 and 64");
    }
    ImageReference repository = CacheRepository.parse(to, "--to");
    String mountRepository = null;
    if (mountFrom != null) {
      ImageReference source = CacheRepository.parse(mountFrom, "--mount-from");
      if (!source.registry().equals(repository.registry())) {
        throw new CliException("--mount-from " + mountFrom + " is on another registry than --to " + to
            + "; a blob can only be mounted within one registry");
      }
      mountRepository = source.repository();
    }
    VendorCacheLayout layout = CacheWriter.open(env.cache(cacheOption.cache)).layout();
    List<CacheArtifact> artifacts = CacheLocks.artifacts(env, paths, layout);
    PrintWriter err = commandSpec.commandLine().getErr();
    Transport transport = new Transport(TransportSettings.fromEnvironment(env.variables()).withAttempts(retries + 1));
    try (transport; RegistryPusher registry = new RegistryPusher(registryOptions.settings(env), transport)) {
      CachePusher pusher = new CachePusher(registry, layout, new Progress(err), jobs);
      for (CacheArtifact artifact : artifacts) {
        err.println("cache push: " + layout.root() + " -> " + CacheRepository.display(repository) + ":" + artifact.tag()
            + ": " + artifact.blobs().size() + " blobs (" + artifact.blobs().stream().mapToLong(Descriptor::size).sum() + " bytes)");
        CachePusher.Result result = pusher.push(repository, artifact, mountRepository);
        err.println("pushed " + result.reference() + " (" + result.uploaded() + " blobs uploaded, " + result.uploadedBytes()
            + " bytes; " + result.existed() + " already there" + (mountRepository == null ? ""
                : "; " + result.mounted() + " mounted from " + mountRepository) + ")");
        commandSpec.commandLine().getOut().println(result.reference() + "@" + result.manifest().digest());
      }
    }
    return 0;
  }

  /** One stderr line per blob and manifest. */
  private record Progress(PrintWriter err) implements CachePusher.Listener {
    @Override
    public void blob(Descriptor blob, BlobPush outcome) {
      String entry = blob.annotations().getOrDefault(CacheArtifact.ENTRY_ANNOTATION, "");
      err.println((outcome == BlobPush.UPLOADED ? "uploaded " + blob.digest() + " (" + blob.size() + " bytes)" : "exists " + blob.digest())
          + (entry.isEmpty() ? "" : " " + entry));
      err.flush();
    }

    @Override
    public void manifest(Descriptor manifest, String reference) {
      err.println("pushed manifest " + reference);
    }
  }
}

package dev.sealbuild.cli;

import dev.sealbuild.formats.compress.DecompressionLimits;
import dev.sealbuild.builder.cache.CacheReader;
import dev.sealbuild.builder.sbom.SbomFormat;
import dev.sealbuild.builder.sbom.SbomGenerator;
import dev.sealbuild.lockfiles.lock.Lockfile;
import dev.sealbuild.lockfiles.lock.LockfileIO;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "sbom", mixinStandardHelpOptions = true,
    description = {"Write a software bill of materials for the image the spec and its lock describe, offline:",
        "every locked package (read from the vendor cache), the base image or rootfs, pinned files and local files.",
        "Same spec, lock, cache and local files: the same bytes. See docs/sbom.md."})
final class SbomCommand implements Callable<Integer> {
  @Spec CommandSpec commandSpec;

  @picocli.CommandLine.Mixin
  ProjectOptions options = new ProjectOptions();

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "spdx-json",
      description = "spdx-json (SPDX 2.3) or cyclonedx-json (CycloneDX 1.5) (default: ${DEFAULT-VALUE})")
  String format;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write to FILE instead of standard output")
  Path output;

  private final Environment env;

  SbomCommand(Environment env) {
    this.env = env;
  }

  @Override
  public Integer call() throws IOException {
    SbomFormat chosen;
    try {
      chosen = SbomFormat.parse(format);
    } catch (IllegalArgumentException e) {
      throw new CliException(e.getMessage() + " (--format)");
    }
    Project project = Project.load(env, options.path, options.dockerfile);
    Lockfile lock = new LockfileIO().read(project.lockFile());
    SbomGenerator generator = new SbomGenerator(new CacheReader(env.cache(options.cache())), DecompressionLimits.DEFAULT,
        VersionProvider.version());
    byte[] document = generator.generate(project.spec(), lock, project.specDir(), chosen);
    if (output == null) {
      PrintWriter out = commandSpec.commandLine().getOut();
      out.print(new String(document, StandardCharsets.UTF_8));
      out.flush();
      return 0;
    }
    Path target = env.workingDir().resolve(output);
    AtomicFile.write(target, document);
    commandSpec.commandLine().getErr().println("wrote " + chosen + " SBOM " + target);
    return 0;
  }
}

package dev.sealbuild.cli;

import dev.sealbuild.formats.compress.DecompressionLimits;
import dev.sealbuild.builder.cache.CacheReader;
import dev.sealbuild.builder.sbom.SbomFormat;
import dev.sealbuild.builder.sbom.SbomGenerator;
import dev.sealbuild.lockfiles.lock.Lockfile;
import dev.sealbuild.lockfiles.lock.LockfileIO;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
    Project project = Project.load(env, options.path);
    Lockfile lock = new LockfileIO().read(project.lockFile());
    SbomGenerator generator = new SbomGenerator(new CacheReader(env.cache(options.cache())), DecompressionLimits.DEFAULT,
        VersionProvider.version());
    Path target = output == null ? null : env.workingDir().resolve(output);
    // Written to a file as it is produced (a component per local file makes a large document), then moved into
    // place (readers see the old file or the whole new one) or copied to standard output.
    Path dir = target == null ? null : Files.createDirectories(target.toAbsolutePath().getParent());
    Path tmp = target == null ? Files.createTempFile("sealbuild-sbom", ".json")
        : Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
    try {
      try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(tmp))) {
        generator.generate(project.spec(), lock, project.specDir(), chosen, lock.sourceDateEpoch(), file);
      }
      if (target == null) {
        PrintWriter out = commandSpec.commandLine().getOut();
        try (Reader in = Files.newBufferedReader(tmp, StandardCharsets.UTF_8)) {
          in.transferTo(out);
        }
        out.flush();
        return 0;
      }
      AtomicFile.moveInto(tmp, target);
    } finally {
      Files.deleteIfExists(tmp);
    }
    commandSpec.commandLine().getErr().println("wrote " + chosen + " SBOM " + target);
    return 0;
  }
}

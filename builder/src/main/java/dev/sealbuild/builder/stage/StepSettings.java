package dev.sealbuild.builder.stage;

import dev.sealbuild.builder.archive.ContentSpool;
import dev.sealbuild.builder.step.ContainerRuntime;
import dev.sealbuild.builder.step.Emulation;
import dev.sealbuild.builder.step.RuncRuntime;
import dev.sealbuild.builder.step.StepExecutor;
import dev.sealbuild.builder.step.StepLabel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.function.Consumer;

/**
 * Where {@code run:} steps run and where their output goes. The runtime is looked up only when a step runs, so a build
 * without steps never needs one.
 *
 * @param runtime the OCI runtime binary, or null for {@code runc} on the PATH
 * @param output receives every line a step prints, already prefixed with the step it comes from
 */
public record StepSettings(Path runtime, Consumer<String> output) {
  public static StepSettings defaults(Consumer<String> output) {
    return new StepSettings(null, output);
  }

  public RunStepSource.StepRunner runner(Path workDir, ContentSpool spool, long epoch) {
    return (tree, temporaries, command, label, platform) -> {
      Emulation.require(platform);
      ContainerRuntime container = runtime == null ? RuncRuntime.fromPath() : RuncRuntime.explicit(runtime);
      return new StepExecutor(container, reachable(workDir), spool, epoch, line -> output.accept(prefix(label) + line))
          .run(tree, temporaries, command, label);
    };
  }

  /**
   * Where a step's root file system can live: the build's work directory when the step's mapped users can reach it
   * (every directory above it searchable by others), else the system's temporary directory. Home directories are
   * often 0700, and builds run from them.
   */
  static Path reachable(Path workDir) throws java.io.IOException {
    for (Path p = workDir.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
      if (!Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
        return Path.of(System.getProperty("java.io.tmpdir"));
      }
    }
    return workDir;
  }

  private static String prefix(StepLabel label) {
    return (label.stage() == null ? "image" : label.stage()) + " #" + label.number() + " | ";
  }
}

package dev.sealbuild.builder.stage;

import dev.sealbuild.builder.archive.ContentSpool;
import dev.sealbuild.builder.step.ContainerRuntime;
import dev.sealbuild.builder.step.Emulation;
import dev.sealbuild.builder.step.RuncRuntime;
import dev.sealbuild.builder.step.StepExecutor;
import dev.sealbuild.builder.step.StepLabel;
import java.nio.file.Path;
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
      return new StepExecutor(container, workDir, spool, epoch, line -> output.accept(prefix(label) + line))
          .run(tree, temporaries, command, label);
    };
  }

  private static String prefix(StepLabel label) {
    return (label.stage() == null ? "image" : label.stage()) + " #" + label.number() + " | ";
  }
}

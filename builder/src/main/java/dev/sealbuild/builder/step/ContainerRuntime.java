package dev.sealbuild.builder.step;

import java.io.IOException;
import java.nio.file.Path;

/** An OCI runtime that runs a bundle (a {@code config.json} and its root file system) as a container. */
public interface ContainerRuntime {
  /** Fails with a one-line {@link dev.sealbuild.formats.UserError} when containers cannot run here. */
  void check() throws IOException;

  /**
   * Starts the container of {@code bundle} in the foreground; the returned process ends when the container does,
   * with its exit code, and its input stream is the container's stdout and stderr merged. {@code stateDir} is a
   * private directory for the runtime's own state.
   */
  Process start(Path stateDir, Path bundle, String id) throws IOException;

  /** Kills every process of the container with SIGKILL and removes it; no error when it is already gone. */
  void destroy(Path stateDir, String id) throws IOException, InterruptedException;

  /** The executable, for messages. */
  String describe();
}

package dev.sealbuild.formats.io;

import java.io.IOException;

/** How a failure on a worker thread reaches the thread that waited for the work. */
public final class Failures {
  private Failures() {}

  /**
   * Throws {@code failure} itself when it is an {@link IOException}, a {@link RuntimeException} or an {@link Error},
   * so the waiting caller sees what the worker saw; anything else (a checked exception of another kind) wrapped in
   * an {@link IOException}. Declared to return one so that callers can write {@code throw Failures.rethrow(e)}.
   */
  public static IOException rethrow(Throwable failure) throws IOException {
    if (failure instanceof IOException io) {
      throw io;
    }
    if (failure instanceof RuntimeException runtime) {
      throw runtime;
    }
    if (failure instanceof Error error) {
      throw error;
    }
    throw new IOException(failure);
  }
}

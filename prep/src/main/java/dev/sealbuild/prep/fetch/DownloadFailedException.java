package dev.sealbuild.prep.fetch;

import dev.sealbuild.prep.http.TransportException;

import java.util.List;

/**
 * Some entries could not be downloaded. The message is the first failure (in lock order) and the
 * count; {@link #failures()} lists every failure's one-line message in lock order.
 */
public final class DownloadFailedException extends TransportException {
  private final List<String> failures;

  public DownloadFailedException(List<String> failures, int entries) {
    super(Failure.NETWORK, entries == 1 ? failures.get(0)
        : failures.get(0) + " (" + failures.size() + " of " + entries + " entries failed)");
    this.failures = List.copyOf(failures);
  }

  public List<String> failures() {
    return failures;
  }
}

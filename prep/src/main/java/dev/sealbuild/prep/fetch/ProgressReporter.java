package dev.sealbuild.prep.fetch;

import dev.sealbuild.formats.digest.Sha256;
import java.io.PrintStream;

/**
 * Told what {@link PrepDownloader} does. Methods are called from several download threads at once,
 * so implementations must be thread-safe.
 */
public interface ProgressReporter {
  /**
   * Called once first. {@code bytesToFetch} sums the lock sizes of the entries that need
   * downloading, or is -1 if some sizes are unknown.
   */
  void start(int entries, long bytesToFetch);

  /** The entry was already in the cache; nothing was requested. */
  void cached(FetchJob job);

  /** Bytes of {@code job} received so far in the current attempt (starts again at 0 on a retry). */
  void progress(FetchJob job, long bytesSoFar);

  void fetched(FetchJob job, long size, Sha256 digest);

  void failed(FetchJob job, String message);

  /** Called once last, also after failures. */
  void finish();

  /**
   * The reporter for {@code out}: a redrawn progress bar on a terminal, one plain line per event
   * otherwise. Call with {@code System.console() != null} at the edge.
   */
  static ProgressReporter choose(boolean terminal, PrintStream out) {
    return terminal ? new AnsiProgressReporter(out, System::nanoTime) : new PlainProgressReporter(out);
  }

  /** A reporter that says nothing. */
  static ProgressReporter silent() {
    return new ProgressReporter() {
      @Override
      public void start(int entries, long bytesToFetch) {}

      @Override
      public void cached(FetchJob job) {}

      @Override
      public void progress(FetchJob job, long bytesSoFar) {}

      @Override
      public void fetched(FetchJob job, long size, Sha256 digest) {}

      @Override
      public void failed(FetchJob job, String message) {}

      @Override
      public void finish() {}
    };
  }

  /** {@code sha256:} and the first 12 hex digits, for progress lines. */
  static String shortDigest(Sha256 digest) {
    return Sha256.PREFIX + digest.hex().substring(0, 12) + "...";
  }
}

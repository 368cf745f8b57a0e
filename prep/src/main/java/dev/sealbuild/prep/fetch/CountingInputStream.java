package dev.sealbuild.prep.fetch;

import dev.sealbuild.formats.io.ObservingInputStream;
import java.io.InputStream;
import java.util.function.LongConsumer;

/**
 * Counts bytes read and reports the running total; optionally fails once more than {@code cap}
 * bytes arrive (with an unchecked exception, so the fetcher does not retry).
 */
final class CountingInputStream extends ObservingInputStream {
  private final long cap;
  private final Runnable overCap;
  private final LongConsumer onProgress;
  private long count;

  CountingInputStream(InputStream in, long cap, Runnable overCap, LongConsumer onProgress) {
    super(in);
    this.cap = cap;
    this.overCap = overCap;
    this.onProgress = onProgress;
  }

  long count() {
    return count;
  }

  @Override
  protected void observe(byte[] buf, int off, int len) {
    count += len;
    if (count > cap) {
      overCap.run();
    }
    onProgress.accept(count);
  }
}

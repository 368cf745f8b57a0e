package dev.sealbuild.prep.fetch;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongConsumer;

/**
 * Counts bytes read and reports the running total; optionally fails once more than {@code cap}
 * bytes arrive (with an unchecked exception, so the fetcher does not retry).
 */
final class CountingInputStream extends FilterInputStream {
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
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      counted(1);
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, len);
    if (n > 0) {
      counted(n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long skipped = super.skip(n);
    if (skipped > 0) {
      counted(skipped);
    }
    return skipped;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  private void counted(long n) {
    count += n;
    if (count > cap) {
      overCap.run();
    }
    onProgress.accept(count);
  }
}

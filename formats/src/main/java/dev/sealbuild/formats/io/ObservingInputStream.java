package dev.sealbuild.formats.io;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A stream that sees every byte exactly once, in order: each chunk read goes through {@link #observe},
 * skipping reads through it too, and mark/reset is not offered (a reader that rewinds would make bytes
 * count, or hash, twice). Subclasses count, hash or keep bytes.
 */
public abstract class ObservingInputStream extends FilterInputStream {
  private byte[] skipBuffer;

  protected ObservingInputStream(InputStream in) {
    super(in);
  }

  /** Sees each chunk before the caller gets it. */
  protected abstract void observe(byte[] buf, int off, int len) throws IOException;

  /** Called when the underlying stream reports its end. */
  protected void atEnd() throws IOException {}

  /** How many bytes one read may ask the underlying stream for (at least 1). */
  protected int limitRead(int len) {
    return len;
  }

  @Override
  public final int read() throws IOException {
    return BulkInputStream.readOneByte(this);
  }

  @Override
  public final int read(byte[] buf, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    int n = in.read(buf, off, Math.max(1, Math.min(len, limitRead(len))));
    if (n < 0) {
      atEnd();
      return -1;
    }
    observe(buf, off, n);
    return n;
  }

  @Override
  public final long skip(long n) throws IOException {
    if (skipBuffer == null) {
      skipBuffer = new byte[8192];
    }
    long done = 0;
    while (done < n) {
      int r = read(skipBuffer, 0, (int) Math.min(skipBuffer.length, n - done));
      if (r < 0) {
        break;
      }
      done += r;
    }
    return done;
  }

  @Override
  public final boolean markSupported() {
    return false;
  }

  @Override
  public final synchronized void mark(int readlimit) {
    // not supported, see markSupported
  }

  @Override
  public final synchronized void reset() throws IOException {
    throw new IOException("mark/reset not supported");
  }
}

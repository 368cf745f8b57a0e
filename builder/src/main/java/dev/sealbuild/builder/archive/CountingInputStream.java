package dev.sealbuild.builder.archive;

import dev.sealbuild.builder.fs.HostileInputException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Counts the compressed bytes read through it. Until the decompressor yields its first byte it allows only
 * a bounded amount of input: gzip reads a header's file name and comment into memory up to a NUL byte,
 * however long they are.
 */
final class CountingInputStream extends FilterInputStream {
  private final long maxBeforeOutput;
  private final String what;
  private long count;
  private boolean outputSeen;

  CountingInputStream(InputStream in) {
    this(in, Long.MAX_VALUE, "");
  }

  CountingInputStream(InputStream in, long maxBeforeOutput, String what) {
    super(in);
    this.maxBeforeOutput = maxBeforeOutput;
    this.what = what;
  }

  long count() {
    return count;
  }

  /** Called once the decompressor has produced output; from then on only the ratio limits apply. */
  void outputStarted() {
    outputSeen = true;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      add(1);
    }
    return b;
  }

  @Override
  public int read(byte[] buf, int off, int len) throws IOException {
    int n = super.read(buf, off, len);
    if (n > 0) {
      add(n);
    }
    return n;
  }

  /** No mark/reset: a reader that rewinds would make bytes count (and hash) twice. */
  @Override
  public boolean markSupported() {
    return false;
  }

  @Override
  public synchronized void mark(int readlimit) {
    // unsupported, see markSupported
  }

  @Override
  public synchronized void reset() throws java.io.IOException {
    throw new java.io.IOException("mark/reset not supported");
  }

  @Override
  public long skip(long n) throws IOException {
    long s = super.skip(n);
    add(s);
    return s;
  }

  private void add(long n) {
    count += n;
    if (!outputSeen && count > maxBeforeOutput) {
      throw new HostileInputException(what + ": " + count + " compressed bytes read without any output (oversized gzip header "
          + "or padding); refusing");
    }
  }
}

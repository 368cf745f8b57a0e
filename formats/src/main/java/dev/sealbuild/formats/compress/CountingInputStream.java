package dev.sealbuild.formats.compress;

import dev.sealbuild.formats.HostileInputException;
import dev.sealbuild.formats.io.ObservingInputStream;
import java.io.InputStream;

/**
 * Counts the compressed bytes read through it. Until the decompressor yields its first byte it allows only
 * a bounded amount of input: gzip reads a header's file name and comment into memory up to a NUL byte,
 * however long they are.
 */
final class CountingInputStream extends ObservingInputStream {
  private final long maxBeforeOutput;
  private final String what;
  // volatile: the host's xz is fed by a thread of its own while the caller's thread reads its output
  private volatile long count;
  private volatile boolean outputSeen;

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
  protected void observe(byte[] buf, int off, int len) {
    add(len);
  }

  private void add(long n) {
    count += n;
    if (!outputSeen && count > maxBeforeOutput) {
      throw new HostileInputException(what + ": " + count + " compressed bytes read without any output (oversized gzip header "
          + "or padding); refusing");
    }
  }
}

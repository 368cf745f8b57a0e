package dev.sealbuild.formats.compress;

import dev.sealbuild.formats.HostileInputException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Counts bytes coming out of a decompressor and stops the stream once it passes an absolute limit, or a
 * compression ratio that only a bomb reaches, while it streams (nothing is ever sized up front).
 */
final class LimitedInputStream extends FilterInputStream {
  private final CountingInputStream compressed;
  private final DecompressionLimits limits;
  private final String what;
  private long produced;

  LimitedInputStream(InputStream decompressed, CountingInputStream compressed, DecompressionLimits limits, String what) {
    super(decompressed);
    this.compressed = compressed;
    this.limits = limits;
    this.what = what;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      account(1);
    }
    return b;
  }

  @Override
  public int read(byte[] buf, int off, int len) throws IOException {
    int n = super.read(buf, off, len);
    if (n > 0) {
      account(n);
    }
    return n;
  }

  private void account(int n) {
    if (produced == 0) {
      compressed.outputStarted();
    }
    produced += n;
    limits.check(produced, compressed.count(), what);
  }
}

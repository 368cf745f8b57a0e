package dev.sealbuild.formats.compress;

import dev.sealbuild.formats.HostileInputException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Counts bytes coming out of a decompressor and stops the stream once it passes an absolute limit, or a
 * compression ratio that only a bomb reaches, while it streams (nothing is ever sized up front).
 */
class LimitedInputStream extends FilterInputStream {
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
    int b;
    try {
      b = super.read();
    } catch (IOException e) {
      throw decoderFailed(e);
    }
    if (b >= 0) {
      account(1);
    }
    return b;
  }

  @Override
  public int read(byte[] buf, int off, int len) throws IOException {
    int n;
    try {
      n = super.read(buf, off, len);
    } catch (IOException e) {
      throw decoderFailed(e);
    }
    if (n > 0) {
      account(n);
    }
    return n;
  }

  /** Skipped bytes are decompressed too, so they are read (and counted) rather than skipped in the decoder. */
  @Override
  public long skip(long n) throws IOException {
    return n <= 0 ? 0 : Math.max(0, read(new byte[(int) Math.min(n, 8192)]));
  }

  /** Whether the decoder has produced any output yet. */
  final boolean started() {
    return produced > 0;
  }

  /** What to throw for an error the decoder raised: by default the error itself. */
  IOException decoderFailed(IOException e) {
    return e;
  }

  private void account(int n) {
    if (produced == 0) {
      compressed.outputStarted();
    }
    produced += n;
    limits.check(produced, compressed.count(), what);
  }
}

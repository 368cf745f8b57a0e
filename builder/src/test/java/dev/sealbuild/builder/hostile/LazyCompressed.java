package dev.sealbuild.builder.hostile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;

/**
 * A compressed stream made on demand from a plain one: a bomb that would expand to 100 GiB costs only the
 * bytes the reader actually pulls, so a test can show the reader stops early.
 */
final class LazyCompressed extends InputStream {
  interface Compressor {
    OutputStream wrap(OutputStream sink) throws IOException;
  }

  private final ByteArrayOutputStream sink = new ByteArrayOutputStream();
  private final OutputStream compressor;
  private final InputStream plain;
  private final byte[] chunk = new byte[64 * 1024];
  private byte[] pending = new byte[0];
  private int pendingPos;
  private boolean finished;
  private long served;

  LazyCompressed(Compressor compressor, InputStream plain) throws IOException {
    this.compressor = compressor.wrap(sink);
    this.plain = plain;
  }

  /** {@code head} followed by {@code zeros} zero bytes, compressed as it is read. */
  static LazyCompressed of(Compressor compressor, byte[] head, long zeros) throws IOException {
    return new LazyCompressed(compressor, new SequenceInputStream(new java.io.ByteArrayInputStream(head), new Zeros(zeros)));
  }

  /** Compressed bytes handed out so far. */
  long served() {
    return served;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    while (pendingPos == pending.length) {
      if (finished) {
        return -1;
      }
      int n = plain.readNBytes(chunk, 0, chunk.length);
      if (n == 0) {
        compressor.close();
        finished = true;
      } else {
        compressor.write(chunk, 0, n);
      }
      pending = sink.toByteArray();
      sink.reset();
      pendingPos = 0;
    }
    int n = Math.min(len, pending.length - pendingPos);
    System.arraycopy(pending, pendingPos, b, off, n);
    pendingPos += n;
    served += n;
    return n;
  }

  /** Zero bytes, {@code count} of them, never held in memory. */
  static final class Zeros extends InputStream {
    private long left;

    Zeros(long count) {
      this.left = count;
    }

    @Override
    public int read() {
      if (left <= 0) {
        return -1;
      }
      left--;
      return 0;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (left <= 0) {
        return -1;
      }
      int n = (int) Math.min(len, left);
      java.util.Arrays.fill(b, off, off + n, (byte) 0);
      left -= n;
      return n;
    }
  }
}

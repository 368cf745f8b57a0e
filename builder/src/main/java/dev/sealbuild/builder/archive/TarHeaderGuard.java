package dev.sealbuild.builder.archive;

import dev.sealbuild.builder.fs.HostileInputException;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Sits under commons-compress's tar reader and keeps the raw bytes it reads while looking for the next
 * entry: the ustar header plus any PAX and GNU long-name records before it. commons-compress reads those
 * records into memory whatever their declared size, so this is where their size is bounded; the kept
 * bytes let {@link TarHeaderChain} decode names strictly and check the records as GNU tar reads them.
 */
final class TarHeaderGuard extends FilterInputStream {
  /** All header blocks and extended-header records of one entry together. */
  static final int MAX_HEADER_BYTES = 1 << 20;
  private final String label;
  private final byte[] skipBuffer = new byte[8192];
  private long position;
  private long captureStart;
  private ByteArrayOutputStream captured;

  TarHeaderGuard(InputStream in, String label) {
    super(in);
    this.label = label;
  }

  /** Starts keeping bytes; call right before asking the tar reader for the next entry. */
  void startHeader() {
    captured = new ByteArrayOutputStream();
    captureStart = position;
  }

  /** Stops keeping bytes and parses what the tar reader read for this entry. */
  TarHeaderChain endHeader() {
    byte[] bytes = captured.toByteArray();
    captured = null;
    // Entry data ends anywhere; the reader first skips the padding up to the next 512-byte boundary.
    int padding = (int) Math.floorMod(-captureStart, (long) TarHeaderChain.BLOCK);
    return TarHeaderChain.parse(bytes, Math.min(padding, bytes.length));
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      keep(new byte[] {(byte) b}, 0, 1);
    }
    return b;
  }

  @Override
  public int read(byte[] buf, int off, int len) throws IOException {
    int n = super.read(buf, off, len);
    if (n > 0) {
      keep(buf, off, n);
    }
    return n;
  }

  /** Skipping reads, so skipped header bytes are kept and counted too. */
  @Override
  public long skip(long n) throws IOException {
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

  /** No mark/reset: the reader would re-read bytes and the count would lie. */
  @Override
  public boolean markSupported() {
    return false;
  }

  @Override
  public synchronized void mark(int readlimit) {
    // not supported
  }

  @Override
  public synchronized void reset() throws IOException {
    throw new IOException("mark/reset not supported");
  }

  private void keep(byte[] buf, int off, int n) {
    position += n;
    if (captured == null) {
      return;
    }
    if (captured.size() + (long) n > MAX_HEADER_BYTES) {
      throw new HostileInputException(label + ": tar headers at offset " + captureStart
          + " exceed " + MAX_HEADER_BYTES + " bytes (oversized PAX or GNU long-name record); refusing");
    }
    captured.write(buf, off, n);
  }
}

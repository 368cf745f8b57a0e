package dev.sealbuild.formats.tar;

import dev.sealbuild.formats.HostileInputException;
import dev.sealbuild.formats.io.ObservingInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;

/**
 * Sits under commons-compress's tar reader and keeps the raw bytes it reads while looking for the next
 * entry: the ustar header plus any PAX and GNU long-name records before it. commons-compress reads those
 * records into memory whatever their declared size, so this is where their size is bounded; the kept
 * bytes let {@link TarHeaderChain} decode names strictly and check the records as GNU tar reads them.
 */
final class TarHeaderGuard extends ObservingInputStream {
  /** All header blocks and extended-header records of one entry together. */
  static final int MAX_HEADER_BYTES = 1 << 20;
  private final String label;
  private long position;
  private long captureStart;
  private ByteArrayOutputStream captured;
  private boolean nothingAfterPadding;

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
    nothingAfterPadding = bytes.length <= padding;
    return TarHeaderChain.parse(bytes, Math.min(padding, bytes.length));
  }

  /** Whether the stream ended right after the last entry's padding, where a header would start (a cut tar). */
  boolean nothingAfterPadding() {
    return nothingAfterPadding;
  }

  @Override
  protected void observe(byte[] buf, int off, int len) {
    keep(buf, off, len);
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

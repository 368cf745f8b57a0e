package dev.sealbuild.builder.io;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Gives read errors of a decompressed stream a one-line message naming what was being read:
 * decompressors report truncation with no message at all (EOFException) or a bare one ("Truncated source").
 */
public final class NamedReadErrors extends FilterInputStream {
  private final String what;
  private final String hint;

  /** {@code hint} is appended to the message, e.g. {@code "; run build prep"}. */
  public NamedReadErrors(InputStream in, String what, String hint) {
    super(in);
    this.what = what;
    this.hint = hint;
  }

  @Override
  public int read() throws IOException {
    try {
      return super.read();
    } catch (IOException e) {
      throw named(e);
    }
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    try {
      return super.read(b, off, len);
    } catch (IOException e) {
      throw named(e);
    }
  }

  @Override
  public long skip(long n) throws IOException {
    try {
      return super.skip(n);
    } catch (IOException e) {
      throw named(e);
    }
  }

  private IOException named(IOException e) {
    if (e.getMessage() != null && e.getMessage().startsWith(what)) {
      return e;
    }
    String why = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
    return new IOException(what + ": truncated or corrupt (" + printable(why) + ")" + hint, e);
  }

  private static String printable(String s) {
    StringBuilder b = new StringBuilder();
    s.codePoints().forEach(cp -> {
      if (cp < 0x20 || cp == 0x7f) {
        b.append(String.format("\\x%02x", cp));
      } else {
        b.appendCodePoint(cp);
      }
    });
    return b.toString();
  }
}

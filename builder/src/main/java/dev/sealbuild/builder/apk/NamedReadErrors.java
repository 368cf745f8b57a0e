package dev.sealbuild.builder.apk;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Gives read errors of a decompressed package a message naming it: gzip reports truncation with no
 * message at all (EOFException) or a bare one.
 */
final class NamedReadErrors extends FilterInputStream {
  private final String what;

  NamedReadErrors(InputStream in, String what) {
    super(in);
    this.what = what;
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
    String why = e.getMessage() == null ? e.getClass().getSimpleName() : ApkText.printable(e.getMessage());
    return new IOException(what + ": truncated or corrupt gzip stream (" + why + "); run build prep", e);
  }
}

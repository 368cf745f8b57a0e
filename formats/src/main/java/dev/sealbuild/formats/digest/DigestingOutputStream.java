package dev.sealbuild.formats.digest;

import dev.sealbuild.formats.digest.Sha256;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** Hashes and counts what passes through. */
public final class DigestingOutputStream extends FilterOutputStream {
  private final Sha256Hasher hasher = new Sha256Hasher();

  public DigestingOutputStream(OutputStream out) {
    super(out);
  }

  @Override
  public void write(int b) throws IOException {
    out.write(b);
    hasher.update((byte) b);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    out.write(b, off, len);
    hasher.update(b, off, len);
  }

  public Sha256 digest() {
    return hasher.digest();
  }

  public long count() {
    return hasher.count();
  }
}

package dev.sealbuild.prep.registry;

import dev.sealbuild.formats.digest.DigestingOutputStream;
import dev.sealbuild.formats.digest.Sha256;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Passes bytes through while hashing and counting them ({@link DigestingOutputStream}); refuses the first byte beyond
 * the expected size, and {@link #verify} refuses a short blob or another digest.
 */
final class VerifyingOutputStream extends OutputStream {
  private final DigestingOutputStream out;
  private final Sha256 expected;
  private final long size;
  private final String what;

  VerifyingOutputStream(OutputStream out, Sha256 expected, long size, String what) {
    this.out = new DigestingOutputStream(out);
    this.expected = expected;
    this.size = size;
    this.what = what;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (out.count() + len > size) {
      throw new IOException(new RegistryException(what + " is longer than its declared " + size + " bytes: refused"));
    }
    out.write(b, off, len);
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  long written() {
    return out.count();
  }

  void verify() {
    if (out.count() != size) {
      throw new RegistryException(what + " has " + out.count() + " bytes but its descriptor says " + size + ": refused");
    }
    Sha256 actual = out.digest();
    if (!actual.equals(expected)) {
      throw new RegistryException(what + " hashes to " + actual + ", not " + expected + ": refused");
    }
  }
}

package dev.sealbuild.prep.registry;

import dev.sealbuild.formats.digest.Sha256;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Passes bytes through while hashing and counting them; refuses the first byte beyond the expected size, and
 * {@link #verify} refuses a short blob or another digest.
 */
final class VerifyingOutputStream extends OutputStream {
  private final OutputStream out;
  private final Sha256 expected;
  private final long size;
  private final String what;
  private final MessageDigest sha256;
  private long written;

  VerifyingOutputStream(OutputStream out, Sha256 expected, long size, String what) {
    this.out = out;
    this.expected = expected;
    this.size = size;
    this.what = what;
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (written + len > size) {
      throw new IOException(new RegistryException(what + " is longer than its declared " + size + " bytes: refused"));
    }
    sha256.update(b, off, len);
    out.write(b, off, len);
    written += len;
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  long written() {
    return written;
  }

  void verify() {
    if (written != size) {
      throw new RegistryException(what + " has " + written + " bytes but its descriptor says " + size + ": refused");
    }
    Sha256 actual = Sha256.of(sha256.digest());
    if (!actual.equals(expected)) {
      throw new RegistryException(what + " hashes to " + actual + ", not " + expected + ": refused");
    }
  }
}

package dev.sealbuild.builder.cache;

import dev.sealbuild.lockfiles.digest.Sha256;
import dev.sealbuild.formats.io.ObservingInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Hashes a blob while it streams and fails at the end if it is not what the lock pinned. Reads at most
 * the pinned size + 1 bytes when the size is known.
 */
public final class VerifyingInputStream extends ObservingInputStream {
  private final MessageDigest digest;
  private final Sha256 expected;
  private final Long expectedSize;
  private final String label;
  private long count;
  private boolean verified;

  public VerifyingInputStream(InputStream in, Sha256 expected, Long expectedSize, String label) {
    super(in);
    try {
      this.digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    this.expected = expected;
    this.expectedSize = expectedSize;
    this.label = label;
  }

  @Override
  protected int limitRead(int len) {
    return expectedSize == null ? len : (int) Math.min(len, expectedSize + 1 - count);
  }

  @Override
  protected void observe(byte[] buf, int off, int len) {
    digest.update(buf, off, len);
    count += len;
    if (expectedSize != null && count > expectedSize) {
      throw new CacheException(label + ": cached blob is larger than the " + expectedSize + " bytes the lock pins; run build cache verify, then build prep");
    }
  }

  @Override
  protected void atEnd() {
    verify();
  }

  /** Reads whatever is left and checks the digest; the caller uses this once its parser stops early. */
  public void drainAndVerify() throws IOException {
    byte[] buf = new byte[64 * 1024];
    while (read(buf, 0, buf.length) >= 0) {
      // keep hashing to the end
    }
    verify();
  }

  private void verify() {
    if (verified) {
      return;
    }
    Sha256 actual = Sha256.of(digest.digest());
    verified = true;
    if (expectedSize != null && count != expectedSize) {
      throw new CacheException(label + ": cached blob has " + count + " bytes, the lock pins " + expectedSize + "; run build prep to fetch it again");
    }
    if (!actual.equals(expected)) {
      throw new CacheException(label + ": cached blob is corrupt (expected " + expected + ", got " + actual + "); run build prep to fetch it again");
    }
  }
}

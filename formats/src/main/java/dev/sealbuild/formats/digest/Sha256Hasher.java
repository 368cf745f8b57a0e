package dev.sealbuild.formats.digest;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The one SHA-256 hasher: hashes and counts the bytes given to it, then yields a {@link Sha256}. The only place that
 * asks the JDK for a SHA-256 {@link MessageDigest}.
 */
public final class Sha256Hasher {
  private final MessageDigest digest = newMessageDigest();
  private long count;

  /** Hashes a stream's remaining bytes (read to its end, not closed); {@link #count()} says how many there were. */
  public static Sha256Hasher hash(InputStream in) throws IOException {
    Sha256Hasher hasher = new Sha256Hasher();
    byte[] buffer = new byte[64 * 1024];
    for (int n; (n = in.read(buffer)) >= 0; ) {
      hasher.update(buffer, 0, n);
    }
    return hasher;
  }

  /**
   * A fresh SHA-256 {@link MessageDigest}, for an API that takes one (a {@link java.security.DigestInputStream}, a
   * raw-bytes sink); everything else uses a hasher.
   */
  public static MessageDigest newMessageDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime provides SHA-256", e);
    }
  }

  public void update(byte[] bytes, int off, int len) {
    digest.update(bytes, off, len);
    count += len;
  }

  public void update(byte b) {
    digest.update(b);
    count++;
  }

  /** Bytes hashed so far. */
  public long count() {
    return count;
  }

  /** The digest of everything hashed; the hasher starts over afterwards. */
  public Sha256 digest() {
    return Sha256.of(digest.digest());
  }
}

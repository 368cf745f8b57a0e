package dev.sealbuild.prep.debian;

import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.prep.debian.DebianMetadataException.Kind;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Passes bytes through while hashing them, failing as soon as more than the expected size arrives, and checking size
 * and SHA256 at the end of the stream. Consumers must read to the end (see {@link #drainAndVerify()}): the digest is
 * only known then, so nothing derived from the bytes may be trusted before it succeeds.
 */
final class VerifyingInputStream extends FilterInputStream {
  private final long expectedSize;
  private final Sha256 expectedSha256;
  private final String origin;
  private final MessageDigest digest;
  private long count;
  private boolean verified;

  VerifyingInputStream(InputStream in, long expectedSize, Sha256 expectedSha256, String origin) {
    super(in);
    this.expectedSize = expectedSize;
    this.expectedSha256 = expectedSha256;
    this.origin = origin;
    try {
      this.digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    // read at most one byte past the expected size, enough to detect an oversized body
    long allowed = expectedSize + 1 - count;
    int n = in.read(b, off, (int) Math.min(len, Math.max(1, allowed)));
    if (n < 0) {
      verifyAtEnd();
      return -1;
    }
    count += n;
    if (count > expectedSize) {
      throw new DebianMetadataException(Kind.HASH_MISMATCH, origin + ": more than the " + expectedSize
          + " bytes listed in InRelease; the mirror serves different data than it signed");
    }
    digest.update(b, off, n);
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    byte[] buffer = new byte[8192];
    long skipped = 0;
    while (skipped < n) {
      int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
      if (r < 0) {
        break;
      }
      skipped += r;
    }
    return skipped;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  /** Reads whatever the consumer left (a decompressor may stop before the end) and checks size and digest. */
  void drainAndVerify() throws IOException {
    byte[] buffer = new byte[64 * 1024];
    while (read(buffer, 0, buffer.length) >= 0) {
      // hashing happens in read
    }
  }

  private void verifyAtEnd() throws DebianMetadataException {
    if (verified) {
      return;
    }
    if (count != expectedSize) {
      throw new DebianMetadataException(Kind.HASH_MISMATCH, origin + ": got " + count + " bytes but InRelease lists "
          + expectedSize + "; the mirror serves different data than it signed (or a truncated download)");
    }
    Sha256 actual = Sha256.of(digest.digest());
    if (!actual.equals(expectedSha256)) {
      throw new DebianMetadataException(Kind.HASH_MISMATCH, origin + ": sha256 " + actual.hex()
          + " differs from " + expectedSha256.hex() + " listed in InRelease; refusing the index");
    }
    verified = true;
  }
}

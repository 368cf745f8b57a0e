package dev.sealbuild.formats.digest;

import dev.sealbuild.formats.io.ObservingInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Hashes bytes while they stream and fails if they are not what was pinned: as soon as more than the expected size
 * arrives (it reads at most size + 1 bytes), and at the end of the stream when the size or the digest differ. Nothing
 * derived from the bytes may be trusted before the end is reached (see {@link #drainAndVerify()}). What the failure
 * says is the caller's: each pinning source (a lockfile, a signed index) words it for its user.
 */
public final class VerifyingInputStream extends ObservingInputStream {
  /** Throws the caller's exception for each way the bytes can differ from the pin; each method must throw. */
  public interface Mismatch {
    void tooLong(long expectedSize) throws IOException;

    void wrongSize(long actualSize, long expectedSize) throws IOException;

    void wrongDigest(Sha256 actual, Sha256 expected) throws IOException;
  }

  private final Sha256Hasher hasher = new Sha256Hasher();
  private final Sha256 expected;
  private final Long expectedSize;
  private final Mismatch mismatch;
  private Sha256 actual;
  private long count;

  /** {@code expectedSize} null: the size is not pinned, only the digest. */
  public VerifyingInputStream(InputStream in, Sha256 expected, Long expectedSize, Mismatch mismatch) {
    super(in);
    this.expected = expected;
    this.expectedSize = expectedSize;
    this.mismatch = mismatch;
  }

  @Override
  protected int limitRead(int len) {
    return expectedSize == null ? len : (int) Math.min(len, Math.max(1, expectedSize + 1 - hasher.count()));
  }

  @Override
  protected void observe(byte[] buf, int off, int len) throws IOException {
    hasher.update(buf, off, len);
    if (expectedSize != null && hasher.count() > expectedSize) {
      mismatch.tooLong(expectedSize);
    }
  }

  @Override
  protected void atEnd() throws IOException {
    verify();
  }

  /** Reads whatever is left (a parser or decompressor may stop early) and checks size and digest. */
  public void drainAndVerify() throws IOException {
    byte[] buf = new byte[64 * 1024];
    while (read(buf, 0, buf.length) >= 0) {
      // keep hashing to the end
    }
    verify();
  }

  /** Checks size and digest at the end; a mismatch is reported again on every later call. */
  private void verify() throws IOException {
    if (actual == null) {
      count = hasher.count();
      actual = hasher.digest();
    }
    if (expectedSize != null && count != expectedSize) {
      mismatch.wrongSize(count, expectedSize);
    }
    if (!actual.equals(expected)) {
      mismatch.wrongDigest(actual, expected);
    }
  }
}

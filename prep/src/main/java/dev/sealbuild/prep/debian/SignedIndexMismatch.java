package dev.sealbuild.prep.debian;

import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.digest.VerifyingInputStream;
import dev.sealbuild.prep.debian.DebianMetadataException.Kind;

/** How an index that is not what InRelease lists is reported: the mirror serves different data than it signed. */
record SignedIndexMismatch(String origin) implements VerifyingInputStream.Mismatch {
  @Override
  public void tooLong(long expectedSize) throws DebianMetadataException {
    throw new DebianMetadataException(Kind.HASH_MISMATCH, origin + ": more than the " + expectedSize
        + " bytes listed in InRelease; the mirror serves different data than it signed");
  }

  @Override
  public void wrongSize(long actualSize, long expectedSize) throws DebianMetadataException {
    throw new DebianMetadataException(Kind.HASH_MISMATCH, origin + ": got " + actualSize + " bytes but InRelease lists "
        + expectedSize + "; the mirror serves different data than it signed (or a truncated download)");
  }

  @Override
  public void wrongDigest(Sha256 actual, Sha256 expected) throws DebianMetadataException {
    throw new DebianMetadataException(Kind.HASH_MISMATCH, origin + ": sha256 " + actual.hex()
        + " differs from " + expected.hex() + " listed in InRelease; refusing the index");
  }
}

package dev.sealbuild.prep.alpine;

import dev.sealbuild.formats.digest.Sha256;
import java.util.Objects;

/**
 * An APKINDEX.tar.gz whose signature verified.
 *
 * @param index the parsed index
 * @param signingKey name of the trusted key that signed it
 * @param sha256 digest of the whole APKINDEX.tar.gz file
 * @param size size of the whole file in bytes
 */
public record SignedApkIndex(ApkIndex index, String signingKey, Sha256 sha256, long size) {
  public SignedApkIndex {
    Objects.requireNonNull(index, "index");
    Objects.requireNonNull(signingKey, "signingKey");
    Objects.requireNonNull(sha256, "sha256");
  }
}

package dev.sealbuild.prep.alpine;

import dev.sealbuild.formats.digest.Sha256;
import java.util.List;
import java.util.Objects;

/**
 * A package file that passed {@link ApkPackageVerifier}.
 *
 * @param pkgInfo the parsed {@code .PKGINFO}
 * @param checksum {@code Q1} identity: base64 SHA-1 of the raw control gzip stream
 * @param signingKey trusted key that signed the control stream, or null if the package carried no signature
 * @param sha256 digest of the whole .apk file
 * @param size size of the whole file
 * @param dataOffset byte offset of the data gzip stream (a complete .tar.gz) inside the file
 * @param dataLength byte length of the data gzip stream
 * @param dataEntries the data stream's entries in archive order
 */
public record VerifiedApkPackage(
    ApkPkgInfo pkgInfo,
    String checksum,
    String signingKey,
    Sha256 sha256,
    long size,
    long dataOffset,
    long dataLength,
    List<ApkDataEntry> dataEntries) {

  public VerifiedApkPackage {
    Objects.requireNonNull(pkgInfo, "pkgInfo");
    Objects.requireNonNull(checksum, "checksum");
    Objects.requireNonNull(sha256, "sha256");
    dataEntries = List.copyOf(dataEntries);
  }
}

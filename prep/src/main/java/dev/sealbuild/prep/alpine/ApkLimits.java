package dev.sealbuild.prep.alpine;

/**
 * Size bounds for reading untrusted Alpine files. {@link #defaults()} fits the real Alpine repositories
 * with wide margins (the v3.16 main index is 0.7 MB compressed, 1.9 MB decompressed).
 *
 * @param maxIndexBytes compressed APKINDEX.tar.gz
 * @param maxIndexDecompressedBytes the decompressed index stream (DESCRIPTION + APKINDEX)
 * @param maxPackageBytes a whole .apk file
 * @param maxControlDecompressedBytes the decompressed control stream (.PKGINFO and scripts)
 * @param maxDataDecompressedBytes the decompressed data stream of one package
 * @param maxSignatureBytes one {@code .SIGN.*} entry
 * @param maxEntries tar entries per stream (every header block of one entry is bounded by the tar reader: 1 MiB)
 * @param maxNameBytes one path or link target
 */
public record ApkLimits(
    long maxIndexBytes,
    long maxIndexDecompressedBytes,
    long maxPackageBytes,
    long maxControlDecompressedBytes,
    long maxDataDecompressedBytes,
    int maxSignatureBytes,
    int maxEntries,
    int maxNameBytes) {

  public static ApkLimits defaults() {
    return new ApkLimits(
        64L << 20,
        512L << 20,
        4L << 30,
        8L << 20,
        16L << 30,
        8 * 1024,
        1_000_000,
        4096);
  }
}

package dev.sealbuild.prep.alpine;

import dev.sealbuild.formats.digest.Sha256Hasher;
import dev.sealbuild.formats.digest.Sha256;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Verifies a downloaded {@code .apk} (v2 format) against what the signed index promised.
 *
 * <p>A v2 package is 2 or 3 concatenated gzip streams: an optional signature stream (a cut tar of
 * {@code .SIGN.RSA.<key>} / {@code RSA256} / {@code RSA512}, signing the raw bytes of the next stream),
 * the control stream (a cut tar of {@code .PKGINFO} and install scripts; its raw bytes' SHA-1 is the
 * package identity {@code Q1...}, the index's {@code C:}), and the data stream (a full tar.gz whose raw
 * bytes' SHA-256 is {@code datahash} in {@code .PKGINFO}). Checked here:
 * <ul>
 *   <li>the control checksum equals the expected {@code C:} and the file size the expected {@code S:};
 *   <li>the signature, when present, with the named trusted key (unknown key and bad signature are
 *       errors; an unsigned package is accepted because its identity is pinned by the signed index, which
 *       is also how apk installs from a repository);
 *   <li>{@code .PKGINFO} names the expected package and version and carries a {@code datahash} equal to the
 *       SHA-256 of the data stream;
 *   <li>per-file {@code APK-TOOLS.checksum.SHA1} PAX headers match the file contents (or symlink targets);
 *   <li>rejected: extra gzip streams, control files that are not top-level dot files, {@code .PKGINFO} or
 *       {@code .SIGN.*} inside the data stream, device/FIFO entries, absolute paths and {@code ..}
 *       components, over-long names and link targets, non-zero bytes after the data archive's end.
 * </ul>
 * Not matched: apk 2 still installs legacy packages without {@code datahash} (with a warning) and
 * packages whose data spans several gzip streams; both are rejected here.
 */
public final class ApkPackageVerifier {
  /** What the index (or a lockfile) says about the package. {@code size} 0 means unknown. */
  public record Expected(String name, String version, String checksum, long size) {
    public Expected {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(version, "version");
      Objects.requireNonNull(checksum, "checksum");
    }

    public static Expected of(ApkPackage pkg) {
      return new Expected(pkg.name(), pkg.version(), pkg.checksum(), pkg.size());
    }

    String nameVersion() {
      return name + "-" + version;
    }
  }

  private static final String CHECKSUM_PAX = "APK-TOOLS.checksum.SHA1";

  private final ApkKeyring keyring;
  private final ApkLimits limits;

  public ApkPackageVerifier(ApkKeyring keyring, ApkLimits limits) {
    this.keyring = Objects.requireNonNull(keyring, "keyring");
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  public VerifiedApkPackage verify(byte[] file, Expected expected) {
    try {
      return verify(new ByteArrayInputStream(file), expected);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads {@code in} to its end and verifies it; throws {@link ApkException} naming the package. */
  public VerifiedApkPackage verify(InputStream in, Expected expected) throws IOException {
    String source = "package " + expected.nameVersion();
    ApkChecksum.parse(expected.checksum(), source + " (expected checksum)");
    String identityAlgorithm = ApkChecksum.algorithm(expected.checksum());
    MessageDigest fileSha256 = Sha256Hasher.newMessageDigest();
    GzipMembers.RawSink fileSink = Digests.sink(fileSha256);
    GzipMembers gzip = new GzipMembers(in, source, limits.maxPackageBytes());

    // The first stream is either the signature or, for an unsigned package, the control stream.
    MessageDigest firstIdentity = Digests.of(identityAlgorithm);
    ApkSignatures.Check signature = null;
    ApkPkgInfo pkgInfo;
    try (InputStream first = gzip.next("first gzip stream", limits.maxControlDecompressedBytes(),
        List.of(fileSink, Digests.sink(firstIdentity)))) {
      TarStream tar = TarStream.of(first, source + " first stream", limits);
      TarStream.Entry entry = tar.next();
      if (entry != null && ApkSignatures.isSignatureName(entry.name())) {
        signature = ApkSignatures.choose(ApkSignatures.read(tar, entry, source, limits.maxSignatureBytes()),
            keyring, source);
        first.transferTo(OutputStream.nullOutputStream());
        pkgInfo = null;
      } else {
        pkgInfo = readControl(tar, entry, source);
        first.transferTo(OutputStream.nullOutputStream());
      }
    }
    MessageDigest identity = firstIdentity;
    if (pkgInfo == null) {
      identity = Digests.of(identityAlgorithm);
      List<GzipMembers.RawSink> sinks = List.of(fileSink, Digests.sink(identity), signature);
      try (InputStream controlStream = gzip.next("control stream", limits.maxControlDecompressedBytes(), sinks)) {
        TarStream tar = TarStream.of(controlStream, source + " control stream", limits);
        pkgInfo = readControl(tar, tar.next(), source);
        controlStream.transferTo(OutputStream.nullOutputStream());
      }
      signature.verify(source, "control stream");
    }

    String checksum = ApkChecksum.format(expected.checksum().substring(0, 2), identity.digest());
    if (!checksum.equals(expected.checksum())) {
      throw new ApkException(source + ": control checksum " + checksum + " differs from the index's "
          + expected.checksum() + "; the package is not the one the index describes");
    }
    if (!pkgInfo.name().equals(expected.name()) || !pkgInfo.version().equals(expected.version())) {
      throw new ApkException(source + ": .PKGINFO describes " + Texts.abbreviate(pkgInfo.toString()));
    }
    if (!pkgInfo.dataHash().matches("[0-9a-f]{64}")) {
      throw new ApkException(source + ": .PKGINFO has no valid datahash (sha256 of the data stream); "
          + "packages without it are too old to verify");
    }

    long dataOffset = gzip.offset();
    if (gzip.atEnd()) {
      throw new ApkException(source + ": no data stream after the control stream");
    }
    MessageDigest dataSha256 = Sha256Hasher.newMessageDigest();
    List<ApkDataEntry> entries;
    try (InputStream data = gzip.next("data stream", limits.maxDataDecompressedBytes(),
        List.of(fileSink, Digests.sink(dataSha256)))) {
      entries = readData(TarStream.of(data, source + " data stream", limits), source);
      data.transferTo(OutputStream.nullOutputStream());
    }
    long dataLength = gzip.offset() - dataOffset;
    String dataHash = HexFormat.of().formatHex(dataSha256.digest());
    if (!dataHash.equals(pkgInfo.dataHash())) {
      throw new ApkException(source + ": data stream sha256 " + dataHash + " differs from .PKGINFO datahash "
          + pkgInfo.dataHash());
    }
    if (!gzip.atEnd()) {
      throw new ApkException(source + ": extra gzip stream after the data stream (at byte " + gzip.offset()
          + "); a package has at most signature, control and data streams");
    }
    long size = gzip.offset();
    if (expected.size() > 0 && size != expected.size()) {
      throw new ApkException(source + ": file is " + size + " bytes but the index says " + expected.size());
    }
    return new VerifiedApkPackage(pkgInfo, checksum, signature == null ? null : signature.keyName(),
        Sha256.of(fileSha256.digest()), size, dataOffset, dataLength, entries);
  }

  /** Reads the control stream's entries and returns its parsed .PKGINFO. */
  private ApkPkgInfo readControl(TarStream tar, TarStream.Entry first, String source) throws IOException {
    ApkPkgInfo pkgInfo = null;
    for (TarStream.Entry e = first; e != null; e = tar.next()) {
      String name = e.name();
      if (!name.startsWith(".") || name.contains("/") || name.equals(".") || name.equals("..")
          || ApkSignatures.isSignatureName(name) || !e.isRegular()) {
        throw new ApkException(source + ": control stream contains '" + Texts.abbreviate(name)
            + "'; only top-level dot files (.PKGINFO, scripts) belong there");
      }
      if (name.equals(".PKGINFO")) {
        if (pkgInfo != null) {
          throw new ApkException(source + ": control stream has two .PKGINFO files");
        }
        byte[] text = tar.content().readAllBytes();
        pkgInfo = ApkPkgInfo.parse(ApkIndexVerifier.utf8(text, source, ".PKGINFO"), source);
      }
    }
    if (tar.endMarkerSeen()) {
      throw new ApkException(source + ": control stream ends the archive early (it must be a cut tar)");
    }
    if (pkgInfo == null) {
      throw new ApkException(source + ": control stream has no .PKGINFO");
    }
    return pkgInfo;
  }

  private List<ApkDataEntry> readData(TarStream tar, String source) throws IOException {
    List<ApkDataEntry> entries = new ArrayList<>();
    for (TarStream.Entry e = tar.next(); e != null; e = tar.next()) {
      String path = normalize(e.name(), source);
      if (path.equals(".PKGINFO") || ApkSignatures.isSignatureName(path)) {
        throw new ApkException(source + ": data stream contains " + Texts.abbreviate(path)
            + ", which belongs only in the control or signature stream");
      }
      if (e.type() == '3' || e.type() == '4' || e.type() == '6') {
        throw new ApkException(source + ": data stream contains a device or FIFO '" + Texts.abbreviate(path) + "'");
      }
      String linkTarget = e.linkName();
      if (e.type() == '1') {
        linkTarget = normalize(linkTarget, source);
      }
      if (linkTarget.indexOf('\0') >= 0) {
        throw new ApkException(source + ": NUL in link target of '" + Texts.abbreviate(path) + "'");
      }
      String declared = e.pax().get(CHECKSUM_PAX);
      if (declared != null) {
        String actual;
        if (e.isRegular()) {
          MessageDigest sha1 = Digests.of("SHA-1");
          try (InputStream content = tar.content()) {
            byte[] buffer = new byte[65536];
            for (int n; (n = content.read(buffer)) > 0; ) {
              sha1.update(buffer, 0, n);
            }
          }
          actual = HexFormat.of().formatHex(sha1.digest());
        } else if (e.type() == '2') {
          actual = HexFormat.of().formatHex(Digests.of("SHA-1").digest(
              e.linkName().getBytes(StandardCharsets.UTF_8)));
        } else {
          actual = declared;
        }
        if (!actual.equals(declared)) {
          throw new ApkException(source + ": '" + Texts.abbreviate(path) + "' does not match its "
              + CHECKSUM_PAX + " header");
        }
      }
      entries.add(new ApkDataEntry(path, e.type(), e.mode(), e.uid(), e.gid(), e.size(), e.mtime(),
          linkTarget, declared));
    }
    if (tar.endMarkerSeen()) {
      tar.requireOnlyPaddingLeft();
    }
    return entries;
  }

  /** Strips {@code ./} and a trailing slash; rejects absolute paths, {@code ..} and empty components. */
  private static String normalize(String name, String source) {
    String path = name;
    while (path.startsWith("./")) {
      path = path.substring(2);
    }
    if (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    if (path.isEmpty() || path.startsWith("/") || path.indexOf('\0') >= 0) {
      throw new ApkException(source + ": data stream entry '" + Texts.abbreviate(name) + "' is not a relative path");
    }
    for (String component : path.split("/", -1)) {
      if (component.isEmpty() || component.equals(".") || component.equals("..")) {
        throw new ApkException(source + ": data stream entry '" + Texts.abbreviate(name)
            + "' has an empty, '.' or '..' path component");
      }
    }
    return path;
  }
}

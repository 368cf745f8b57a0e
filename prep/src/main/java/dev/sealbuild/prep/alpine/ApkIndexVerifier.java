package dev.sealbuild.prep.alpine;

import dev.sealbuild.formats.digest.Sha256Hasher;
import dev.sealbuild.formats.digest.Sha256;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import dev.sealbuild.formats.text.StrictUtf8;
import java.nio.charset.CharacterCodingException;
import java.security.MessageDigest;
import java.util.List;
import java.util.Objects;

/**
 * Verifies and parses a signed {@code APKINDEX.tar.gz}. The file is two concatenated gzip streams: the
 * first is a cut tar holding {@code .SIGN.RSA.<key>} (or {@code RSA256}/{@code RSA512}); its content is a
 * PKCS#1 v1.5 signature over the raw compressed bytes of the second stream, a tar holding
 * {@code DESCRIPTION} and {@code APKINDEX}. Stream boundaries are found exactly by parsing each gzip
 * member. Any further stream, an unsigned first stream, a key not in the keyring, or a bad signature is
 * rejected, each with its own one-line message; the index text is only parsed after the signature has
 * verified.
 *
 * <p>Differences from apk: apk ignores trailing streams after the signed one (it hashes them too);
 * here they are an error. apk also accepts indexes signed by a key it lacks with
 * {@code --allow-untrusted}; there is no such switch here.
 */
public final class ApkIndexVerifier {
  private static final int MAX_DESCRIPTION = 4096;

  private final ApkKeyring keyring;
  private final ApkLimits limits;

  public ApkIndexVerifier(ApkKeyring keyring, ApkLimits limits) {
    this.keyring = Objects.requireNonNull(keyring, "keyring");
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  public SignedApkIndex verify(byte[] file, String source) {
    try {
      return verify(new ByteArrayInputStream(file), source);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads {@code in} to its end; {@code source} (a URL or path) names the file in error messages. */
  public SignedApkIndex verify(InputStream in, String source) throws IOException {
    MessageDigest fileSha256 = Sha256Hasher.newMessageDigest();
    GzipMembers.RawSink fileSink = Digests.sink(fileSha256);
    GzipMembers gzip = new GzipMembers(in, source, limits.maxIndexBytes());

    ApkSignatures.Check check;
    try (InputStream signatureStream = gzip.next("signature stream", 64L * 1024, List.of(fileSink))) {
      TarStream tar = TarStream.of(signatureStream, source + " signature stream", limits);
      TarStream.Entry first = tar.next();
      if (first == null || !ApkSignatures.isSignatureName(first.name())) {
        throw ApkSignatures.missing(source);
      }
      check = ApkSignatures.choose(ApkSignatures.read(tar, first, source, limits.maxSignatureBytes()), keyring, source);
      signatureStream.transferTo(OutputStream.nullOutputStream());
    }

    String description = null;
    byte[] apkindex = null;
    try (InputStream indexStream = gzip.next("index stream", limits.maxIndexDecompressedBytes(),
        List.of(fileSink, check))) {
      TarStream tar = TarStream.of(indexStream, source + " index stream", limits);
      for (TarStream.Entry e = tar.next(); e != null; e = tar.next()) {
        if (e.name().equals("DESCRIPTION") && e.isRegular()) {
          if (e.size() > MAX_DESCRIPTION) {
            throw new ApkException(source + ": DESCRIPTION is larger than " + MAX_DESCRIPTION + " bytes");
          }
          description = utf8(tar.content().readAllBytes(), source, "DESCRIPTION");
        } else if (e.name().equals("APKINDEX") && e.isRegular()) {
          if (apkindex != null) {
            throw new ApkException(source + ": more than one APKINDEX entry");
          }
          apkindex = tar.content().readAllBytes();
        }
      }
      if (tar.endMarkerSeen()) {
        tar.requireOnlyPaddingLeft();
      }
      indexStream.transferTo(OutputStream.nullOutputStream());
    }
    if (!gzip.atEnd()) {
      throw new ApkException(source + ": unexpected data after the signed index stream (at byte " + gzip.offset()
          + "); an APKINDEX.tar.gz has exactly two gzip streams");
    }
    check.verify(source, "index stream");
    if (apkindex == null) {
      throw new ApkException(source + ": no APKINDEX entry in the index stream");
    }
    ApkIndex index = ApkIndex.parse(description == null ? "" : description,
        utf8(apkindex, source, "APKINDEX"), source);
    return new SignedApkIndex(index, check.keyName(), Sha256.of(fileSha256.digest()), gzip.offset());
  }

  static String utf8(byte[] bytes, String source, String what) {
    try {
      return StrictUtf8.decode(bytes);
    } catch (CharacterCodingException e) {
      throw new ApkException(source + ": " + what + " is not valid UTF-8");
    }
  }
}

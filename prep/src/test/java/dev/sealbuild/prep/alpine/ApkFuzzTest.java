package dev.sealbuild.prep.alpine;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sealbuild.testsupport.fuzz.Refusals;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;

/**
 * An {@code .apk} as prep reads it before any signature is checked: its concatenated gzip members found one by one
 * (GzipMembers), each member's tar (TarStream over the guarded tar reader) and the {@code .PKGINFO} text
 * (ApkPkgInfo); then the whole file through ApkPackageVerifier with an empty keyring, which must refuse it in words.
 * Seeds: {@code ApkFuzzTestInputs/gzipMembersAndPkgInfo}.
 */
class ApkFuzzTest {
  private static final String SOURCE = "package hello-1.0-r0";
  private static final ApkLimits LIMITS = new ApkLimits(1L << 20, 4L << 20, 1L << 20, 4L << 20, 4L << 20, 8 * 1024, 1_000, 4096);
  private static final Refusals REFUSALS = Refusals.of(SOURCE, ApkException.class);
  private static final ApkPackageVerifier VERIFIER = new ApkPackageVerifier(ApkKeyring.of(Map.of()), LIMITS);
  private static final ApkPackageVerifier.Expected EXPECTED =
      new ApkPackageVerifier.Expected("hello", "1.0-r0", "Q1" + "A".repeat(27) + "=", 0);

  @FuzzTest
  void gzipMembersAndPkgInfo(byte[] input) throws Exception {
    if (input.length > Refusals.MAX_INPUT) {
      return;
    }
    REFUSALS.check(() -> members(input));
    REFUSALS.check(() -> VERIFIER.verify(input, EXPECTED));
  }

  private static void members(byte[] input) throws Exception {
    try (GzipMembers gzip = new GzipMembers(new ByteArrayInputStream(input), SOURCE, LIMITS.maxPackageBytes())) {
      for (int i = 0; i < 4 && !gzip.atEnd(); i++) {
        try (InputStream member = gzip.next("stream " + i, LIMITS.maxControlDecompressedBytes(), List.of((b, o, l) -> { }))) {
          TarStream tar = TarStream.of(member, SOURCE + " stream " + i, LIMITS);
          for (TarStream.Entry e = tar.next(); e != null; e = tar.next()) {
            if (e.name().equals(".PKGINFO") && e.isRegular()) {
              byte[] text = tar.content().readNBytes(64 * 1024);
              ApkPkgInfo.parse(ApkIndexVerifier.utf8(text, SOURCE, ".PKGINFO"), SOURCE);
            }
          }
          if (tar.endMarkerSeen()) {
            tar.requireOnlyPaddingLeft();
          }
          member.transferTo(OutputStream.nullOutputStream());
        }
      }
    }
  }
}

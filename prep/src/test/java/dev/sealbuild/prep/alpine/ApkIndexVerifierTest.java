package dev.sealbuild.prep.alpine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.testsupport.apk.ApkStreams;
import dev.sealbuild.testsupport.apk.SigningKey;
import dev.sealbuild.testsupport.apk.TestApk;
import dev.sealbuild.testsupport.apk.TestApkIndex;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ApkIndexVerifierTest {
  private static final String ALPINE_316_KEY = "alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub";
  private static final String ALPINE_317_AARCH64_KEY = "alpine-devel@lists.alpinelinux.org-616ae350.rsa.pub";

  @Test
  void verifiesAndParsesTheRealSignedV316Index() throws Exception {
    byte[] file = AlpineFixtures.bytes("v3.16-x86_64/APKINDEX.tar.gz");
    SignedApkIndex signed = verifier(AlpineFixtures.keyring()).verify(file, "v3.16/main/x86_64/APKINDEX.tar.gz");

    assertEquals(ALPINE_316_KEY, signed.signingKey());
    assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(file)), signed.sha256().hex());
    assertEquals(file.length, signed.size());
    assertEquals("v3.16.3-13-g4d933a1fa3", signed.index().description());
    assertEquals(4929, signed.index().packages().size());
    ApkPackage strace = signed.index().find("strace").get(0);
    assertEquals("Q18y9jy9MgtvQFXTntDQ3if2axAkk=", strace.checksum());
    assertEquals("5.17-r0", strace.version());
    assertEquals(521102, strace.size());
    assertEquals(List.of("so:libc.musl-x86_64.so.1", "so:libdw.so.1"),
        strace.depends().stream().map(ApkDependency::toString).toList());
  }

  @Test
  void verifiesTheRealV317Aarch64IndexWithItsOwnKey() throws Exception {
    SignedApkIndex signed = verifier(AlpineFixtures.keyring())
        .verify(AlpineFixtures.bytes("v3.17-aarch64/APKINDEX.tar.gz"), "v3.17/main/aarch64/APKINDEX.tar.gz");
    assertEquals(ALPINE_317_AARCH64_KEY, signed.signingKey());
    assertTrue(signed.index().packages().size() > 4000);
    assertTrue(signed.index().packages().stream().allMatch(p -> p.arch().equals("aarch64")
        || p.arch().equals("noarch")));
  }

  @Test
  void rejectsAnIndexSignedByAKeyWeDoNotHave() throws Exception {
    ApkKeyring without316 = keysExcept(ALPINE_316_KEY);
    ApkSignatureException e = assertThrows(ApkSignatureException.class, () -> verifier(without316)
        .verify(AlpineFixtures.bytes("v3.16-x86_64/APKINDEX.tar.gz"), "local-repo/x86_64/APKINDEX.tar.gz"));
    assertEquals(ApkSignatureException.Reason.UNKNOWN_KEY, e.reason());
    assertEquals("local-repo/x86_64/APKINDEX.tar.gz is signed by unknown key " + ALPINE_316_KEY
        + "; add the key to the trusted Alpine keys if you trust its owner", e.getMessage());
  }

  @Test
  void rejectsARealSignatureOverDifferentContent() throws Exception {
    byte[] real = AlpineFixtures.bytes("v3.16-x86_64/APKINDEX.tar.gz");
    byte[] signatureStream = Arrays.copyOf(real, firstMemberLength(real));
    byte[] forged = ApkStreams.concat(signatureStream, TestApkIndex.unsigned(List.of(), "forged"));
    ApkSignatureException e = assertThrows(ApkSignatureException.class,
        () -> verifier(AlpineFixtures.keyring()).verify(forged, "forged.tar.gz"));
    assertEquals(ApkSignatureException.Reason.BAD, e.reason());
    assertEquals("forged.tar.gz has a bad signature by key " + ALPINE_316_KEY + " over its index stream: the file was "
        + "modified or the key is not the signer's", e.getMessage());
  }

  @Test
  void rejectsAnUnsignedIndex() {
    byte[] unsigned = TestApkIndex.unsigned(List.of(), "unsigned");
    ApkSignatureException e = assertThrows(ApkSignatureException.class,
        () -> verifier(ApkKeyring.of(Map.of())).verify(unsigned, "unsigned.tar.gz"));
    assertEquals(ApkSignatureException.Reason.MISSING, e.reason());
    assertEquals("unsigned.tar.gz is not signed (no .SIGN.RSA.<key> entry in its first gzip stream); refusing "
        + "unsigned input", e.getMessage());
  }

  @Test
  void verifiesBuiltIndexesSignedWithSha1AndSha256() {
    SigningKey key = SigningKey.generate("test@example.org-0001.rsa.pub");
    TestApk.Built hello = TestApk.pkg("hello", "1.0-r0").file("usr/bin/hello", "hi").build(key);
    byte[] sha1Index = TestApkIndex.signed(List.of(hello.indexEntry()), "test", key);
    SignedApkIndex signed = verifier(TestApks.keyring(key)).verify(sha1Index, "test index");
    assertEquals(List.of(TestApks.record(hello)), signed.index().packages());

    byte[] stream = TestApkIndex.unsigned(List.of(hello.indexEntry()), "test");
    byte[] sha256Index = ApkStreams.concat(ApkStreams.signatureStream(key, "RSA256", stream), stream);
    assertEquals(key.name(), verifier(TestApks.keyring(key)).verify(sha256Index, "test index").signingKey());

    SigningKey impostor = SigningKey.generate(key.name());
    ApkSignatureException e = assertThrows(ApkSignatureException.class,
        () -> verifier(TestApks.keyring(key)).verify(TestApkIndex.signed(List.of(), "x", impostor), "test index"));
    assertEquals(ApkSignatureException.Reason.BAD, e.reason());
  }

  @Test
  void rejectsTrailingStreamsTruncationAndOversizedInput() throws Exception {
    byte[] real = AlpineFixtures.bytes("v3.16-x86_64/APKINDEX.tar.gz");
    ApkIndexVerifier verifier = verifier(AlpineFixtures.keyring());

    byte[] extra = ApkStreams.concat(real, ApkStreams.gzip(new byte[512]));
    ApkException e = assertThrows(ApkException.class, () -> verifier.verify(extra, "idx"));
    assertEquals("idx: unexpected data after the signed index stream (at byte " + real.length + "); an "
        + "APKINDEX.tar.gz has exactly two gzip streams", e.getMessage());

    byte[] truncated = Arrays.copyOf(real, real.length - 100);
    e = assertThrows(ApkException.class, () -> verifier.verify(truncated, "idx"));
    assertEquals("idx: index stream is truncated", e.getMessage());

    ApkLimits small = new ApkLimits(100_000, 512L << 20, 1 << 30, 1 << 20, 1L << 30, 8192, 1000, 4096);
    e = assertThrows(ApkException.class, () -> new ApkIndexVerifier(AlpineFixtures.keyring(), small).verify(real, "idx"));
    assertEquals("idx is larger than the limit of 100000 bytes", e.getMessage());
  }

  @Test
  void stopsADecompressionBombWhileStreaming() {
    SigningKey key = SigningKey.generate("test@example.org-0002.rsa.pub");
    byte[] zeros = new byte[8 << 20];
    byte[] stream = ApkStreams.gzip(ApkStreams.tar(List.of(
        ApkStreams.regular("APKINDEX", zeros, Map.of())), false));
    byte[] bomb = ApkStreams.concat(ApkStreams.signatureStream(key, "RSA", stream), stream);
    assertTrue(bomb.length < 64 * 1024, "8 MiB of zeros compress well");
    ApkLimits limits = new ApkLimits(64L << 20, 1 << 20, 1 << 30, 1 << 20, 1L << 30, 8192, 1000, 4096);
    ApkException e = assertThrows(ApkException.class, () -> new ApkIndexVerifier(TestApks.keyring(key), limits).verify(bomb, "bomb"));
    assertEquals("bomb: index stream decompresses to more than 1048576 bytes", e.getMessage());
  }

  @Test
  void rejectsAnOversizedSignatureEntry() {
    SigningKey key = SigningKey.generate("test@example.org-0003.rsa.pub");
    byte[] stream = TestApkIndex.unsigned(List.of(), "x");
    byte[] hugeSignature = ApkStreams.gzip(ApkStreams.tar(List.of(
        ApkStreams.regular(".SIGN.RSA." + key.name(), new byte[20_000], Map.of())), true));
    ApkException e = assertThrows(ApkException.class, () -> verifier(TestApks.keyring(key))
        .verify(ApkStreams.concat(hugeSignature, stream), "idx"));
    assertEquals("idx: signature entry .SIGN.RSA." + key.name() + " is larger than 8192 bytes", e.getMessage());
  }

  private static ApkIndexVerifier verifier(ApkKeyring keyring) {
    return new ApkIndexVerifier(keyring, ApkLimits.defaults());
  }

  private static ApkKeyring keysExcept(String excluded) throws Exception {
    Map<String, String> pems = new java.util.TreeMap<>();
    try (Stream<Path> files = Files.list(AlpineFixtures.keys())) {
      for (Path file : files.toList()) {
        if (!file.getFileName().toString().equals(excluded)) {
          pems.put(file.getFileName().toString(), Files.readString(file));
        }
      }
    }
    return ApkKeyring.fromPem(pems);
  }

  /** Length of the first gzip member, found independently with java.util.zip. */
  static int firstMemberLength(byte[] file) throws Exception {
    java.util.zip.Inflater inflater = new java.util.zip.Inflater(true);
    int headerLength = 10; // these files have no optional gzip header fields
    assertEquals(0, file[3], "no gzip flags expected in the fixture");
    inflater.setInput(file, headerLength, file.length - headerLength);
    byte[] out = new byte[1 << 16];
    while (!inflater.finished()) {
      inflater.inflate(out);
    }
    int end = file.length - inflater.getRemaining() + 8;
    inflater.end();
    return end;
  }
}

package dev.sealbuild.prep.alpine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.testsupport.apk.ApkStreams;
import dev.sealbuild.testsupport.apk.SigningKey;
import dev.sealbuild.testsupport.apk.TestApk;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;

class ApkPackageVerifierTest {
  private static final SigningKey KEY = SigningKey.generate("test@example.org-5f0e1234.rsa.pub");

  @Test
  void verifiesTheRealStracePackageAgainstTheRealIndex() throws Exception {
    byte[] file = AlpineFixtures.bytes("v3.16-x86_64/strace-5.17-r0.apk");
    ApkPackage entry = AlpineFixtures.index316().index().find("strace").get(0);
    VerifiedApkPackage verified = verifier(AlpineFixtures.keyring()).verify(file, ApkPackageVerifier.Expected.of(entry));

    assertEquals("alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub", verified.signingKey());
    assertEquals(entry.checksum(), verified.checksum());
    assertEquals("strace", verified.pkgInfo().name());
    assertEquals("5.17-r0", verified.pkgInfo().version());
    assertEquals(List.of("cmd:strace-log-merge=5.17-r0", "cmd:strace=5.17-r0"),
        verified.pkgInfo().provides().stream().map(ApkDependency::toString).toList());
    assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(file)), verified.sha256().hex());
    // The data stream boundaries are exact: the slice hashes to datahash and is a complete gzip file.
    byte[] data = Arrays.copyOfRange(file, (int) verified.dataOffset(), (int) (verified.dataOffset() + verified.dataLength()));
    assertEquals(file.length, verified.dataOffset() + verified.dataLength());
    assertEquals(verified.pkgInfo().dataHash(), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)));
    assertTrue(new GZIPInputStream(new ByteArrayInputStream(data)).readAllBytes().length > 1_000_000);
    ApkDataEntry binary = verified.dataEntries().stream().filter(e -> e.path().equals("usr/bin/strace")).findFirst()
        .orElseThrow();
    assertEquals("6d5db7fb4b57136b8bccf917f4667ef22bd67f3c", binary.sha1Hex());
    assertEquals(List.of("usr", "usr/bin", "usr/bin/strace", "usr/bin/strace-log-merge"),
        verified.dataEntries().stream().map(ApkDataEntry::path).toList());
  }

  @Test
  void verifiesTheRealCurlPackageAgainstItsOwnIndexRecordButNotTheNewerOne() throws Exception {
    byte[] file = AlpineFixtures.bytes("v3.16-x86_64/curl-7.83.1-r1.apk");
    ApkIndex subset = ApkIndex.parse("", java.nio.file.Files.readString(
        AlpineFixtures.file("v3.16-x86_64/APKINDEX.subset-unsigned.txt")), "APKINDEX.subset-unsigned.txt");
    ApkPackage r1 = subset.find("curl").get(0);
    assertEquals("7.83.1-r1", r1.version());
    VerifiedApkPackage verified = verifier(AlpineFixtures.keyring()).verify(file, ApkPackageVerifier.Expected.of(r1));
    assertEquals(r1.checksum(), verified.checksum());

    ApkPackage r4 = AlpineFixtures.index316().index().find("curl").get(0);
    ApkException e = assertThrows(ApkException.class,
        () -> verifier(AlpineFixtures.keyring()).verify(file, ApkPackageVerifier.Expected.of(r4)));
    assertEquals("package curl-7.83.1-r4: control checksum " + r1.checksum() + " differs from the index's "
        + r4.checksum() + "; the package is not the one the index describes", e.getMessage());
  }

  @Test
  void verifiesTheRealAarch64BaselayoutAgainstTheRecordTheRealApkIndexWrites() throws Exception {
    byte[] file = AlpineFixtures.bytes("v3.16-aarch64/alpine-baselayout-3.2.0-r23.apk");
    ApkPackage record = RealApkIndex.of(AlpineChroot.alpine320(), "alpine-baselayout-3.2.0-r23.apk", file).get(0);
    VerifiedApkPackage verified = verifier(AlpineFixtures.keyring()).verify(file, ApkPackageVerifier.Expected.of(record));
    assertEquals("alpine-devel@lists.alpinelinux.org-616ae350.rsa.pub", verified.signingKey());
    assertEquals("aarch64", verified.pkgInfo().arch());
    ApkDataEntry varRun = verified.dataEntries().stream().filter(e -> e.path().equals("var/run")).findFirst().orElseThrow();
    assertTrue(varRun.isSymlink());
    assertEquals("/run", varRun.linkTarget());
  }

  @Test
  void verifiesBuiltPackagesSignedWithSha1Sha256OrNotAtAll() {
    TestApk builder = TestApk.pkg("hello", "1.0-r0").dir("usr").dir("usr/bin")
        .file("usr/bin/hello", "#!/bin/sh\necho hello\n".getBytes(StandardCharsets.UTF_8), 0755)
        .symlink("usr/bin/hi", "hello").script("post-install", "#!/bin/sh\nexit 0\n");
    for (TestApk.Built apk : List.of(builder.build(KEY), builder.sha256Signature().build(KEY))) {
      VerifiedApkPackage verified = verify(apk);
      assertEquals(KEY.name(), verified.signingKey());
      assertEquals(List.of("usr", "usr/bin", "usr/bin/hello", "usr/bin/hi"),
          verified.dataEntries().stream().map(ApkDataEntry::path).toList());
      assertEquals(0755, verified.dataEntries().get(2).mode());
    }
    VerifiedApkPackage unsigned = verify(builder.build(null));
    assertNull(unsigned.signingKey());
    assertEquals("hello", unsigned.pkgInfo().name());
  }

  @Test
  void signatureProblemsHaveDistinctErrors() {
    TestApk.Built apk = TestApk.pkg("hello", "1.0-r0").file("hello", "hi").build(KEY);
    ApkPackageVerifier.Expected expected = TestApks.expected(apk);

    ApkSignatureException unknown = assertThrows(ApkSignatureException.class,
        () -> verifier(ApkKeyring.of(Map.of())).verify(apk.bytes(), expected));
    assertEquals(ApkSignatureException.Reason.UNKNOWN_KEY, unknown.reason());
    assertEquals("package hello-1.0-r0 is signed by unknown key " + KEY.name() + "; add the key to the trusted "
        + "Alpine keys if you trust its owner", unknown.getMessage());

    SigningKey impostor = SigningKey.generate(KEY.name());
    byte[] forged = ApkStreams.concat(ApkStreams.signatureStream(impostor, "RSA", apk.control()),
        apk.control(), apk.data());
    ApkSignatureException bad = assertThrows(ApkSignatureException.class,
        () -> verifier(TestApks.keyring(KEY)).verify(forged, expected));
    assertEquals(ApkSignatureException.Reason.BAD, bad.reason());
    assertEquals("package hello-1.0-r0 has a bad signature by key " + KEY.name() + " over its control stream: the "
        + "file was modified or the key is not the signer's", bad.getMessage());
  }

  @Test
  void rejectsAnExtraGzipStream() {
    TestApk.Built apk = TestApk.pkg("hello", "1.0-r0").file("hello", "hi").build(KEY);
    byte[] extended = ApkStreams.concat(apk.bytes(), ApkStreams.gzip(new byte[1024]));
    ApkException e = assertThrows(ApkException.class, () -> verifier(TestApks.keyring(KEY)).verify(extended,
        new ApkPackageVerifier.Expected("hello", "1.0-r0", apk.checksum(), 0)));
    assertEquals("package hello-1.0-r0: extra gzip stream after the data stream (at byte " + apk.bytes().length
        + "); a package has at most signature, control and data streams", e.getMessage());
  }

  @Test
  void rejectsControlFilesInTheDataStreamAndDataFilesInTheControlStream() {
    for (String name : List.of(".PKGINFO", ".SIGN.RSA." + KEY.name(), "./.PKGINFO")) {
      byte[] tar = ApkStreams.tar(List.of(ApkStreams.regular(name, "x".getBytes(StandardCharsets.UTF_8),
          Map.of())), false);
      TestApk.Built apk = TestApk.pkg("evil", "1-r0").rawDataTar(tar).build(KEY);
      ApkException e = assertThrows(ApkException.class, () -> verify(apk));
      String path = name.startsWith("./") ? name.substring(2) : name;
      assertEquals("package evil-1-r0: data stream contains " + path + ", which belongs only in the control or "
          + "signature stream", e.getMessage());
    }
    TestApk.Built apk = TestApk.pkg("evil", "1-r0").file("x", "x")
        .controlEntry(ApkStreams.regular("etc/passwd", new byte[1], Map.of())).build(KEY);
    ApkException e = assertThrows(ApkException.class, () -> verify(apk));
    assertEquals("package evil-1-r0: control stream contains 'etc/passwd'; only top-level dot files (.PKGINFO, "
        + "scripts) belong there", e.getMessage());
  }

  @Test
  void rejectsHashMismatches() {
    TestApk.Built good = TestApk.pkg("hello", "1.0-r0").file("hello", "hi").build(KEY);
    TestApk.Built other = TestApk.pkg("hello", "1.0-r0").file("hello", "HI").build(KEY);
    byte[] swappedData = ApkStreams.concat(good.signature(), good.control(), other.data());
    ApkException e = assertThrows(ApkException.class, () -> verifier(TestApks.keyring(KEY)).verify(swappedData,
        TestApks.expected(good)));
    assertTrue(e.getMessage().startsWith("package hello-1.0-r0: data stream sha256 "), e.getMessage());
    assertTrue(e.getMessage().contains(" differs from .PKGINFO datahash "), e.getMessage());

    ApkException wrongSize = assertThrows(ApkException.class, () -> verifier(TestApks.keyring(KEY)).verify(good.bytes(),
        new ApkPackageVerifier.Expected("hello", "1.0-r0", good.checksum(), good.bytes().length + 1)));
    assertEquals("package hello-1.0-r0: file is " + good.bytes().length + " bytes but the index says "
        + (good.bytes().length + 1), wrongSize.getMessage());

    byte[] tar = ApkStreams.tar(List.of(ApkStreams.regular("etc/motd", "welcome".getBytes(StandardCharsets.UTF_8),
        Map.of("APK-TOOLS.checksum.SHA1", "0000000000000000000000000000000000000000"))), false);
    TestApk.Built lying = TestApk.pkg("motd", "1-r0").rawDataTar(tar).build(KEY);
    ApkException fileHash = assertThrows(ApkException.class, () -> verify(lying));
    assertEquals("package motd-1-r0: 'etc/motd' does not match its APK-TOOLS.checksum.SHA1 header", fileHash.getMessage());
  }

  @Test
  void rejectsThePackageWhenPkgInfoNamesAnotherPackage() {
    TestApk.Built apk = TestApk.pkg("hello", "1.0-r0").file("hello", "hi").build(KEY);
    ApkException e = assertThrows(ApkException.class, () -> verifier(TestApks.keyring(KEY)).verify(apk.bytes(),
        new ApkPackageVerifier.Expected("hello", "2.0-r0", apk.checksum(), 0)));
    assertEquals("package hello-2.0-r0: .PKGINFO describes hello-1.0-r0", e.getMessage());
  }

  @Test
  void rejectsUnsafeDataEntries() {
    record Case(ApkStreams.TarItem item, String message) {
    }
    TarArchiveEntry fifo = new TarArchiveEntry("run/fifo", TarConstants.LF_FIFO);
    TarArchiveEntry device = new TarArchiveEntry("dev/sda", TarConstants.LF_BLK);
    TarArchiveEntry hardlink = new TarArchiveEntry("etc/shadow-link", TarConstants.LF_LINK);
    hardlink.setLinkName("../../etc/shadow");
    TarArchiveEntry longLink = new TarArchiveEntry("usr/lib/long", TarConstants.LF_SYMLINK);
    longLink.setLinkName("x".repeat(5000));
    List<Case> cases = List.of(
        new Case(ApkStreams.regular("../../evil", new byte[1], Map.of()),
            "package bad-1-r0: data stream entry '../../evil' has an empty, '.' or '..' path component"),
        new Case(ApkStreams.regular("usr/../../evil", new byte[1], Map.of()),
            "package bad-1-r0: data stream entry 'usr/../../evil' has an empty, '.' or '..' path component"),
        new Case(new ApkStreams.TarItem(fifo, new byte[0]),
            "package bad-1-r0: data stream contains a device or FIFO 'run/fifo'"),
        new Case(new ApkStreams.TarItem(device, new byte[0]),
            "package bad-1-r0: data stream contains a device or FIFO 'dev/sda'"),
        new Case(new ApkStreams.TarItem(hardlink, new byte[0]),
            "package bad-1-r0: data stream entry '../../etc/shadow' has an empty, '.' or '..' path component"),
        new Case(new ApkStreams.TarItem(longLink, new byte[0]),
            "package bad-1-r0 data stream: tar entry name or link target longer than 4096 bytes"));
    for (Case c : cases) {
      byte[] tar = ApkStreams.tar(List.of(c.item()), false);
      TestApk.Built apk = TestApk.pkg("bad", "1-r0").rawDataTar(tar).build(KEY);
      ApkException e = assertThrows(ApkException.class, () -> verify(apk), c.message());
      assertEquals(c.message(), e.getMessage());
    }
  }

  @Test
  void rejectsJunkAfterTheDataArchiveAndStopsBombs() {
    byte[] tar = ApkStreams.tar(List.of(ApkStreams.regular("a", new byte[1], Map.of())), false);
    byte[] junk = ApkStreams.concat(tar, "hidden".getBytes(StandardCharsets.UTF_8));
    ApkException e = assertThrows(ApkException.class,
        () -> verify(TestApk.pkg("junk", "1-r0").rawDataTar(junk).build(KEY)));
    assertEquals("package junk-1-r0 data stream: data after the end of the tar archive", e.getMessage());

    TestApk.Built bomb = TestApk.pkg("bomb", "1-r0").file("zeros", new byte[4 << 20], 0644).build(KEY);
    ApkLimits limits = new ApkLimits(1 << 20, 1 << 20, 1 << 20, 1 << 20, 1 << 20, 8192, 1000, 4096);
    ApkException stopped = assertThrows(ApkException.class, () -> new ApkPackageVerifier(TestApks.keyring(KEY), limits)
        .verify(bomb.bytes(), TestApks.expected(bomb)));
    assertEquals("package bomb-1-r0: data stream decompresses to more than 1048576 bytes", stopped.getMessage());
  }

  @Test
  void readsTheStreamExactlyOnce() throws Exception {
    TestApk.Built apk = TestApk.pkg("hello", "1.0-r0").file("hello", "hi").build(KEY);
    ByteArrayInputStream in = new ByteArrayInputStream(apk.bytes());
    VerifiedApkPackage verified = verifier(TestApks.keyring(KEY)).verify(in, TestApks.expected(apk));
    assertEquals(0, in.available());
    assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(apk.bytes()),
        HexFormat.of().parseHex(verified.sha256().hex()));
  }

  private static VerifiedApkPackage verify(TestApk.Built apk) {
    return verifier(TestApks.keyring(KEY)).verify(apk.bytes(), TestApks.expected(apk));
  }

  private static ApkPackageVerifier verifier(ApkKeyring keyring) {
    return new ApkPackageVerifier(keyring, ApkLimits.defaults());
  }
}

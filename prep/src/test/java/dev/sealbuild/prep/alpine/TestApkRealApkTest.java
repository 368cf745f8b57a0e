package dev.sealbuild.prep.alpine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.testsupport.apk.ApkStreams;
import dev.sealbuild.testsupport.apk.SigningKey;
import dev.sealbuild.testsupport.apk.TestApk;
import dev.sealbuild.testsupport.apk.TestApkIndex;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The packages and indexes {@link TestApk} makes are accepted by the real apk-tools 2.14. */
class TestApkRealApkTest {
  private static final SigningKey KEY = SigningKey.generate("sealbuild-test-6a1b2c3d.rsa.pub");

  private static TestApk.Built hello() {
    return TestApk.pkg("hello", "1.0-r0").description("says hello").commit("0123456789abcdef")
        .provides("cmd:hello=1.0-r0").dir("usr").dir("usr/bin")
        .file("usr/bin/hello", "#!/bin/sh\necho hello\n".getBytes(StandardCharsets.UTF_8), 0755)
        .symlink("usr/bin/hi", "hello").build(KEY);
  }

  private static TestApk.Built greeting() {
    return TestApk.pkg("hello-greeting", "2.1_rc1-r3").depends("hello>=1.0").dir("etc")
        .file("etc/greeting", "hi there\n").sha256Signature().build(KEY);
  }

  private static TestApk.Built helloDoc() {
    return TestApk.pkg("hello-doc", "1.0-r0").installIf("hello=1.0-r0", "docs").dir("usr")
        .file("usr/hello.txt", "doc").build(null);
  }

  @Test
  void apkIndexWritesTheSameRecordsAsTheBuilder() throws Exception {
    AlpineChroot chroot = AlpineChroot.alpine320();
    List<TestApk.Built> apks = List.of(hello(), greeting(), helloDoc());
    String real = RealApkIndex.text(chroot, apks.get(0).fileName(), apks.get(0).bytes(),
        apks.get(1).fileName(), apks.get(1).bytes(), apks.get(2).fileName(), apks.get(2).bytes());
    assertEquals(real, TestApkIndex.text(apks.stream().map(TestApk.Built::indexEntry).toList()));
  }

  @Test
  void apkVerifyAcceptsBuiltPackagesAndRejectsTamperedOnes() throws Exception {
    AlpineChroot chroot = AlpineChroot.alpine320();
    Path dir = chroot.newTempDir("verify-");
    Path keys = Files.createDirectories(dir.resolve("keys"));
    Files.writeString(keys.resolve(KEY.name()), KEY.publicPem());
    TestApk.Built other = TestApk.pkg("hello", "1.0-r0").file("x", "other").build(KEY);
    Files.write(dir.resolve("hello.apk"), hello().bytes());
    Files.write(dir.resolve("greeting.apk"), greeting().bytes());
    Files.write(dir.resolve("tampered.apk"), ApkStreams.concat(hello().signature(), hello().control(), other.data()));
    AlpineChroot.Run good = chroot.run("/sbin/apk", "--keys-dir", chroot.inside(keys), "verify",
        chroot.inside(dir.resolve("hello.apk")), chroot.inside(dir.resolve("greeting.apk")));
    assertEquals(0, good.exitCode(), good.stdout() + good.stderr());
    AlpineChroot.Run bad = chroot.run("/sbin/apk", "--keys-dir", chroot.inside(keys), "verify",
        chroot.inside(dir.resolve("tampered.apk")));
    assertNotEquals(0, bad.exitCode(), bad.stdout());
  }

  @Test
  void apkInstallsFromALocalRepositoryMadeByTheBuilder() throws Exception {
    AlpineChroot chroot = AlpineChroot.alpine320();
    Path dir = chroot.newTempDir("mirror-");
    Path repo = Files.createDirectories(dir.resolve("repo/x86_64"));
    Path keys = Files.createDirectories(dir.resolve("keys"));
    Files.writeString(keys.resolve(KEY.name()), KEY.publicPem());
    Files.writeString(dir.resolve("no-repositories"), "");
    List<TestApk.Built> apks = List.of(hello(), greeting(), helloDoc());
    for (TestApk.Built apk : apks) {
      Files.write(repo.resolve(apk.fileName()), apk.bytes());
    }
    Files.write(repo.resolve("APKINDEX.tar.gz"), TestApkIndex.signed(
        apks.stream().map(TestApk.Built::indexEntry).toList(), "sealbuild test repo", KEY));
    Path root = dir.resolve("root");
    List<String> apk = List.of("/sbin/apk", "--root", chroot.inside(root), "--keys-dir", chroot.inside(keys),
        "--repositories-file", chroot.inside(dir.resolve("no-repositories")), "--repository",
        chroot.inside(dir.resolve("repo")), "--arch", "x86_64", "--no-network", "--no-cache", "--no-scripts");
    AlpineChroot.Run install = chroot.run(concat(apk, List.of("add", "--initdb", "hello-greeting")), null);
    assertEquals(0, install.exitCode(), install.stdout() + install.stderr());
    assertTrue(install.stdout().contains("Installing hello (1.0-r0)"), install.stdout());
    assertEquals("hi there\n", Files.readString(root.resolve("etc/greeting")));
    assertEquals("hello", Files.readSymbolicLink(root.resolve("usr/bin/hi")).toString());
    assertTrue(Files.readString(root.resolve("lib/apk/db/installed")).contains("P:hello-greeting\n"));

    // The same repository resolves identically with our resolver.
    SignedApkIndex index = new ApkIndexVerifier(TestApks.keyring(KEY), ApkLimits.defaults())
        .verify(Files.readAllBytes(repo.resolve("APKINDEX.tar.gz")), "test repo");
    ApkResolution ours = new ApkResolver(index.index().packages(), ApkInstalledDb.empty())
        .resolve(List.of("hello-greeting"));
    assertEquals(List.of("hello-1.0-r0", "hello-greeting-2.1_rc1-r3"),
        ours.toInstall().stream().map(ApkPackage::nameVersion).toList());
  }

  private static List<String> concat(List<String> a, List<String> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
  }
}

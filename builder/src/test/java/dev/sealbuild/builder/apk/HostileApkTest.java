package dev.sealbuild.builder.apk;

import static dev.sealbuild.builder.apk.ApkFixture.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.builder.cache.CacheException;
import dev.sealbuild.lockfiles.lock.LockedPackage;
import dev.sealbuild.testsupport.apk.TestApk;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Packages that must be refused, each with one line naming the package and what is wrong. */
class HostileApkTest {
  @TempDir
  Path work;
  private ApkFixture fx;

  @BeforeEach
  void setUp() throws Exception {
    fx = new ApkFixture(work);
    fx.tree.startLayer("packages");
  }

  private static TestApk evil() {
    return TestApk.pkg("evil", "1.0-r0").dir("dev");
  }

  @Test
  void deviceInData() throws Exception {
    TarArchiveEntry dev = TestApk.entry("dev/sda", TarConstants.LF_BLK, 060600, "root", "root");
    LockedPackage p = fx.cache(evil().dataItem(dev, new byte[0]).build());
    refused(() -> fx.install(p), "package evil 1.0-r0", "dev/sda", "device");
    assertNull(fx.node("dev/sda"));
  }

  @Test
  void dotDotEntry() throws Exception {
    LockedPackage p = fx.cache(evil().file("dev/../../etc/shadow", "x").build());
    refused(() -> fx.install(p), "package evil 1.0-r0", "escapes");
  }

  @Test
  void pkgInfoInTheDataSegment() throws Exception {
    TarArchiveEntry info = TestApk.entry(".PKGINFO", TarConstants.LF_NORMAL, 0100644, "root", "root");
    byte[] text = "pkgname = other\npkgver = 9-r0\n".getBytes(StandardCharsets.UTF_8);
    info.setSize(text.length);
    LockedPackage p = fx.cache(evil().dataItem(info, text).build());
    refused(() -> fx.install(p), "package evil 1.0-r0", ".PKGINFO", "data segment");
  }

  @Test
  void signatureInTheDataSegment() throws Exception {
    TarArchiveEntry sign = TestApk.entry(".SIGN.RSA.evil.rsa.pub", TarConstants.LF_NORMAL, 0100644, "root", "root");
    sign.setSize(3);
    LockedPackage p = fx.cache(evil().dataItem(sign, new byte[] {1, 2, 3}).build());
    refused(() -> fx.install(p), "package evil 1.0-r0", ".SIGN.RSA.evil.rsa.pub", "data segment");
  }

  @Test
  void missingPkgInfo() throws Exception {
    LockedPackage p = fx.cache(evil().noPkgInfo().build());
    refused(() -> fx.install(p), "package evil 1.0-r0", ".PKGINFO");
    LockedPackage empty = fx.cache(TestApk.pkg("empty", "1-r0").noPkgInfo().build());
    refused(() -> fx.install(empty), "package empty 1-r0", "no .PKGINFO");
  }

  @Test
  void fileWithoutItsDirectoryEntry() throws Exception {
    LockedPackage p = fx.cache(evil().file("usr/bin/x", "x").build());
    refused(() -> fx.install(p), "package evil 1.0-r0", "usr/bin/x", "no directory entry");
  }

  @Test
  void blobNotWhatTheLockPins() throws Exception {
    LockedPackage p = fx.cache(evil().file("dev/null2", "x").build());
    Path blob = fx.cache.blob(p.sha256());
    byte[] bytes = Files.readAllBytes(blob);
    bytes[bytes.length - 10] ^= 1;
    Files.write(blob, bytes);
    String message = refused(() -> fx.install(p), "evil 1.0-r0", "run build prep");
    if (!message.contains("corrupt")) {
      throw new AssertionError("the message must say the cached blob is corrupt: " + message);
    }
  }

  @Test
  void notGzip() throws Exception {
    LockedPackage p = fx.cache("evil", "1.0-r0", "this is not an apk".getBytes(StandardCharsets.UTF_8), TestApk.pkg("x", "1").build().checksum());
    refused(() -> fx.install(p), "package evil 1.0-r0", "gzip");
  }

  @Test
  void truncatedPackage() throws Exception {
    byte[] whole = evil().file("dev/zero2", "0".repeat(100_000)).build().bytes();
    byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 200);
    LockedPackage p = fx.cache("evil", "1.0-r0", cut, TestApk.pkg("x", "1").build().checksum());
    refused(() -> fx.install(p), "package evil 1.0-r0");
  }

  @Test
  void pkgInfoNamesAnotherPackage() throws Exception {
    TestApk.Built built = evil().build();
    LockedPackage p = fx.cache("innocent", "1.0-r0", built.bytes(), built.checksum());
    refused(() -> fx.install(p), "package innocent 1.0-r0", "evil");
  }

  @Test
  void lockWithoutControlChecksum() throws Exception {
    TestApk.Built built = evil().build();
    LockedPackage p = fx.cache("evil", "1.0-r0", built.bytes(), null);
    refused(() -> fx.install(p), "package evil 1.0-r0", "Q1", "build lock");
  }

  @Test
  void packageTheBaseAlreadyHas() throws Exception {
    try (ApkFixture base = new ApkFixture(Files.createDirectories(work.resolve("base")))) {
      base.minirootfsBase();
      TestApk.Built busybox = TestApk.pkg("busybox", "9.9-r0").dir("bin").build();
      LockedPackage p = base.cache(busybox);
      refused(() -> base.install(p), "package busybox 9.9-r0", "already");
    }
  }

  @Test
  void busyboxPathsEscapingTheRoot() throws Exception {
    LockedPackage p = fx.cache(TestApk.pkg("busybox", "1-r0").dir("bin").dir("etc").dir("etc/busybox-paths.d")
        .file("bin/busybox", "ELF", 0755, "root", "root")
        .file("etc/busybox-paths.d/busybox", "../../host/bin/ls\n").build());
    refused(() -> fx.install(p), "busybox", "escapes");
  }

  @Test
  void keyNameThatIsAPath() throws Exception {
    fx.repositories.add(new dev.sealbuild.lockfiles.lock.LockedRepository("main", "apk", java.util.List.of(),
        java.util.List.of(new dev.sealbuild.lockfiles.lock.LockedRepository.Key("../../etc/passwd", "x"))));
    LockedPackage p = fx.cache(evil().build());
    refused(() -> fx.install(p), "main", "key name");
  }

  @Test
  void twoPackagesWithTheSameFile() throws Exception {
    LockedPackage a = fx.cache(TestApk.pkg("alpha", "1-r0").dir("etc").file("etc/shared.conf", "a").build());
    LockedPackage b = fx.cache(TestApk.pkg("beta", "1-r0").dir("etc").file("etc/shared.conf", "b").build());
    refused(() -> fx.install(a, b), "package beta 1-r0", "/etc/shared.conf", "alpha", "replaces");
  }

  @Test
  void aPackageThatReplacesAnotherTakesItsFile() throws Exception {
    LockedPackage a = fx.cache(TestApk.pkg("alpha", "1-r0").dir("etc").file("etc/shared.conf", "a").file("etc/a.conf", "a").build());
    LockedPackage b = fx.cache(TestApk.pkg("beta", "1-r0").info("replaces", "alpha").info("depend", "alpha")
        .dir("etc").file("etc/shared.conf", "b").build());
    fx.install(a, b);
    assertEquals("b", fx.text("etc/shared.conf"));
    var stanzas = RealApkInstallTest.stanzas(fx.text("lib/apk/db/installed"));
    assertTrue(!stanzas.get("alpha").contains("R:shared.conf") && stanzas.get("alpha").contains("R:a.conf"), stanzas.get("alpha"));
    assertTrue(stanzas.get("beta").contains("R:shared.conf"), stanzas.get("beta"));
  }

  @Test
  void hashMismatchIsACacheError() throws Exception {
    LockedPackage p = fx.cache(evil().build());
    Files.write(fx.cache.blob(p.sha256()), "garbage".getBytes(StandardCharsets.UTF_8));
    Throwable t = org.junit.jupiter.api.Assertions.assertThrows(CacheException.class, () -> fx.install(p));
    refused(() -> {
      throw t;
    }, "evil", "run build prep");
  }
}

package dev.sealbuild.builder.deb;

import static dev.sealbuild.builder.deb.DebInstallTest.assertAbsent;
import static dev.sealbuild.builder.deb.DebInstallTest.assertFile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.sealbuild.builder.deb.PackageFixture.LayerEntry;
import dev.sealbuild.builder.fs.EntryPath;
import dev.sealbuild.builder.fs.Meta;
import dev.sealbuild.testsupport.deb.DebFile;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bundle update-ca-certificates would have written, made from the certificates the packages ship. */
class CaCertificatesTest {
  private static String pem(String label) {
    return "-----BEGIN CERTIFICATE-----\n" + label + "\n-----END CERTIFICATE-----\n";
  }

  /** Shipped out of path order, so the bundle order must come from the paths, not the archive. */
  private static DebFile caCertificates(String... namesAndPems) {
    DebFile deb = DebFile.named("ca-certificates").version("20250419").dir("./usr/").dir("./usr/share/")
        .dir("./usr/share/ca-certificates/").dir("./usr/share/ca-certificates/mozilla/");
    for (int i = 0; i < namesAndPems.length; i += 2) {
      deb.file("./usr/share/ca-certificates/mozilla/" + namesAndPems[i], namesAndPems[i + 1]);
    }
    return deb;
  }

  @Test
  void bundleIsTheCertificatesConcatenatedInPathOrder(@TempDir Path work) throws IOException {
    try (PackageFixture f = new PackageFixture(work)) {
      String b = pem("Beta_Root_CA");
      String a = pem("Alpha_Root_CA");
      f.install(f.cache(caCertificates("Beta_Root_CA.crt", b, "Alpha_Root_CA.crt", a, "README", "not a certificate\n")));
      Map<String, LayerEntry> layer = f.layer();
      assertFile(layer, "etc/ssl/certs/ca-certificates.crt", a + b, 0644, 0, 0);
      DebInstallTest.assertDir(layer, "etc/ssl/certs/", 0755, 0, 0);
    }
  }

  @Test
  void aCertificateWithoutFinalNewlineDoesNotRunIntoTheNext(@TempDir Path work) throws IOException {
    try (PackageFixture f = new PackageFixture(work)) {
      String a = pem("A").stripTrailing();
      String b = pem("B");
      f.install(f.cache(caCertificates("A.crt", a, "B.crt", b)));
      assertEquals(a + "\n" + b, f.text("etc/ssl/certs/ca-certificates.crt"));
    }
  }

  @Test
  void certificatesFromOtherPackagesUnderTheSameTreeAreIncluded(@TempDir Path work) throws IOException {
    try (PackageFixture f = new PackageFixture(work)) {
      String a = pem("A");
      String local = pem("Local");
      DebFile extra = DebFile.named("corp-ca").dir("./usr/").dir("./usr/share/").dir("./usr/share/ca-certificates/")
          .dir("./usr/share/ca-certificates/corp/").file("./usr/share/ca-certificates/corp/Local.crt", local);
      f.install(f.cache(caCertificates("A.crt", a)), f.cache(extra));
      assertEquals(local + a, f.text("etc/ssl/certs/ca-certificates.crt"), "corp/ sorts before mozilla/");
    }
  }

  @Test
  void noBundleWithoutTheCaCertificatesPackage(@TempDir Path work) throws IOException {
    try (PackageFixture f = new PackageFixture(work)) {
      DebFile lookalike = DebFile.named("ca-certificates-java").dir("./usr/").dir("./usr/share/").dir("./usr/share/ca-certificates/")
          .dir("./usr/share/ca-certificates/mozilla/").file("./usr/share/ca-certificates/mozilla/A.crt", pem("A"));
      f.install(f.cache(lookalike));
      Map<String, LayerEntry> layer = f.layer();
      assertAbsent(layer, "etc/ssl/certs/ca-certificates.crt");
      assertAbsent(layer, "etc/ssl/certs/");
      assertNull(f.node("etc/ssl/certs/ca-certificates.crt"));
    }
  }

  /**
   * A certificate the base image already has, shipped again by the package in the next layer, is one
   * certificate of the image: the bundle lists what the merged file system holds, once, in path order.
   */
  @Test
  void aCertificateAlsoInALowerLayerIsBundledOnceWithItsCurrentContent(@TempDir Path work) throws IOException {
    try (PackageFixture f = new PackageFixture(work)) {
      String oldA = pem("A_old");
      String z = pem("Z_only_in_base");
      addBaseFile(f, "usr/share/ca-certificates/mozilla/A.crt", oldA);
      addBaseFile(f, "usr/share/ca-certificates/mozilla/Z.crt", z);
      f.tree.startLayer("packages");
      String newA = pem("A_new");
      String b = pem("B");
      f.install(f.cache(caCertificates("B.crt", b, "A.crt", newA)));
      assertEquals(newA + b + z, f.text("etc/ssl/certs/ca-certificates.crt"));
    }
  }

  @Test
  void aCertificateUnderADirectoryAPackageReplacedIsGone(@TempDir Path work) throws IOException {
    try (PackageFixture f = new PackageFixture(work)) {
      addBaseFile(f, "usr/share/ca-certificates/old/X.crt", pem("X"));
      f.tree.startLayer("packages");
      String a = pem("A");
      f.install(f.cache(caCertificates("A.crt", a).file("./usr/share/ca-certificates/old", "no longer a directory\n")));
      assertEquals(a, f.text("etc/ssl/certs/ca-certificates.crt"));
    }
  }

  @Test
  void aLargeCertificateFileIsBundledWhole(@TempDir Path work) throws IOException {
    try (PackageFixture f = new PackageFixture(work)) {
      StringBuilder chain = new StringBuilder();
      for (int i = 0; i < 40; i++) {
        chain.append(pem("Intermediate_" + i + "_" + "M".repeat(600)));
      }
      String b = pem("B");
      f.install(f.cache(caCertificates("A_chain.crt", chain.toString(), "B.crt", b)));
      assertEquals(chain + b, f.text("etc/ssl/certs/ca-certificates.crt"));
    }
  }

  @Test
  void anOversizedCertificateIsRefusedNotTruncated(@TempDir Path work) throws IOException {
    try (PackageFixture f = new PackageFixture(work)) {
      String huge = "-----BEGIN CERTIFICATE-----\n" + "A".repeat(1 << 20) + "\n-----END CERTIFICATE-----\n";
      var p = f.cache(caCertificates("Huge.crt", huge));
      PackageFixture.refused(() -> f.install(p), "/usr/share/ca-certificates/mozilla/Huge.crt", "larger than");
    }
  }

  private static void addBaseFile(PackageFixture f, String path, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    f.tree.addFile(EntryPath.parse(path), new Meta(0644, 0, 0, PackageFixture.EPOCH),
        f.spool.append(new ByteArrayInputStream(bytes), bytes.length, "base " + path));
  }
}

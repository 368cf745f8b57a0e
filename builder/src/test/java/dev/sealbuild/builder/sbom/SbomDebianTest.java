package dev.sealbuild.builder.sbom;

import static dev.sealbuild.builder.sbom.SbomTestKit.onlyComponent;
import static dev.sealbuild.builder.sbom.SbomTestKit.onlySpdxPackage;
import static dev.sealbuild.builder.sbom.SbomTestKit.relationships;
import static dev.sealbuild.builder.sbom.SbomTestKit.sha256Checksum;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.packageurl.PackageURL;
import dev.sealbuild.testsupport.deb.DebFile;
import dev.sealbuild.builder.testing.Refusals;
import dev.sealbuild.lockfiles.lock.LockedPackage;
import dev.sealbuild.lockfiles.lock.LockedRootfs;
import dev.sealbuild.lockfiles.lock.Lockfile;
import dev.sealbuild.lockfiles.lock.SpecDigest;
import dev.sealbuild.lockfiles.spec.BuildSpec;
import dev.sealbuild.formats.oci.Platform;
import dev.sealbuild.testsupport.Requirements;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SBOMs for Debian packages: generated .debs whose control stanza and copyright file say exactly what each case
 * needs, and a real package from the Debian archive, checked against what dpkg-deb reads from it.
 */
class SbomDebianTest {
  private static final String SPEC = """
      name: debian-tools
      repositories:
        - {name: debian, type: debian, url: "http://10.1.2.3/debian", suite: bookworm}
      packages: [PACKAGES]
      """;
  private static final String DEP5_HEADER = "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
      + "Upstream-Name: hello\n\n";

  @TempDir Path work;

  private static DebFile withCopyright(String name, String version, String copyright) {
    return DebFile.named(name).version(version).dir("./usr/").dir("./usr/share/").dir("./usr/share/doc/")
        .dir("./usr/share/doc/" + name + "/").file("./usr/share/doc/" + name + "/copyright", copyright);
  }

  private static LockedPackage lock(SbomTestKit kit, DebFile deb) throws IOException {
    byte[] bytes = deb.build();
    return new LockedPackage("deb", deb.name(), deb.version(), "amd64", "debian",
        "pool/main/" + deb.name().charAt(0) + "/" + deb.name() + "/" + deb.name() + "_amd64.deb", kit.cache(bytes), bytes.length,
        null, List.of(Platform.LINUX_AMD64));
  }

  private static Lockfile lockfile(BuildSpec spec, List<LockedPackage> packages) {
    return new Lockfile(Lockfile.VERSION, SpecDigest.of(spec), 0, null, null, List.of(), null, packages);
  }

  @Test
  void machineReadableCopyrightGivesTheDeclaredLicense() throws Exception {
    SbomTestKit kit = new SbomTestKit(work);
    DebFile hello = withCopyright("hello", "1:2.10-3+deb12u1", DEP5_HEADER
        + "Files: *\nCopyright: 1992-2022 Free Software Foundation, Inc.\nLicense: GPL-3+\n\n"
        + "Files: debian/*\nCopyright: 2020 A Maintainer\nLicense: Expat\n\n"
        + "License: GPL-3+\n On Debian systems, the complete text of the GNU General Public License version 3\n"
        + " can be found in /usr/share/common-licenses/GPL-3.\n\n"
        + "License: Expat\n Permission is hereby granted, free of charge, ...\n")
        .field("Homepage", "https://www.gnu.org/software/hello/");
    DebFile freeForm = withCopyright("oldstyle", "0.9-1", "This package was debianized by someone.\n\nLicense: GPL\n");
    DebFile exception = withCopyright("withexception", "3.0-2", DEP5_HEADER
        + "Files: *\nCopyright: 2001 Someone\nLicense: GPL-2+ with OpenSSL exception\n");
    DebFile undocumented = DebFile.named("nodoc").version("5");
    List<LockedPackage> packages = new ArrayList<>();
    for (DebFile deb : List.of(hello, freeForm, exception, undocumented)) {
      packages.add(lock(kit, deb));
    }
    BuildSpec spec = kit.spec(SPEC.replace("PACKAGES", "hello, oldstyle, withexception, nodoc"));
    Lockfile lock = lockfile(spec, packages);
    JsonNode doc = kit.validSpdx(kit.generate(spec, lock, SbomFormat.SPDX_JSON));
    JsonNode bom = SbomTestKit.validCycloneDx(kit.generate(spec, lock, SbomFormat.CYCLONEDX_JSON));

    String helloPurl = "pkg:deb/debian/hello@1:2.10-3%2Bdeb12u1?arch=amd64";
    PackageURL parsed = new PackageURL(helloPurl);
    assertEquals("1:2.10-3+deb12u1", parsed.getVersion(), "the purl carries the exact version");
    JsonNode pkg = onlySpdxPackage(doc, helloPurl);
    assertEquals("GPL-3.0-or-later AND MIT", pkg.get("licenseDeclared").asText());
    assertEquals("https://www.gnu.org/software/hello/", pkg.get("homepage").asText());
    assertEquals("1:2.10-3+deb12u1", pkg.get("versionInfo").asText());
    assertEquals("GPL-3.0-or-later AND MIT", onlyComponent(bom, helloPurl).get("licenses").get(0).get("expression").asText());

    JsonNode old = onlySpdxPackage(doc, "pkg:deb/debian/oldstyle@0.9-1?arch=amd64");
    assertEquals("NOASSERTION", old.get("licenseDeclared").asText(), "a free-form copyright file states nothing machine-readable");
    assertNull(onlyComponent(bom, "pkg:deb/debian/oldstyle@0.9-1?arch=amd64").get("licenses"));

    JsonNode withException = onlySpdxPackage(doc, "pkg:deb/debian/withexception@3.0-2?arch=amd64");
    assertEquals("NOASSERTION", withException.get("licenseDeclared").asText());
    assertTrue(withException.get("licenseComments").asText().endsWith("states: GPL-2+ with OpenSSL exception"),
        withException.get("licenseComments").asText());
    assertEquals("GPL-2+ with OpenSSL exception", onlyComponent(bom, "pkg:deb/debian/withexception@3.0-2?arch=amd64")
        .get("licenses").get(0).get("license").get("name").asText());

    assertEquals("NOASSERTION", onlySpdxPackage(doc, "pkg:deb/debian/nodoc@5?arch=amd64").get("licenseDeclared").asText());
  }

  @Test
  void everyPackageOnceWithSupplierChecksumAndAMirrorSpdxCannotNameInTheComment() throws Exception {
    SbomTestKit kit = new SbomTestKit(work);
    List<DebFile> debs = List.of(DebFile.named("alpha").version("1.0-1"), DebFile.named("libbeta2").version("2.3+dfsg-1"),
        DebFile.named("gamma").version("0.1~rc1-2"));
    List<LockedPackage> packages = new ArrayList<>();
    for (DebFile deb : debs) {
      packages.add(lock(kit, deb));
    }
    BuildSpec spec = kit.spec(SPEC.replace("PACKAGES", "alpha, libbeta2, gamma"));
    Lockfile lock = lockfile(spec, packages);
    JsonNode doc = kit.validSpdx(kit.generate(spec, lock, SbomFormat.SPDX_JSON));
    JsonNode bom = SbomTestKit.validCycloneDx(kit.generate(spec, lock, SbomFormat.CYCLONEDX_JSON));
    for (int i = 0; i < debs.size(); i++) {
      DebFile deb = debs.get(i);
      LockedPackage p = packages.get(i);
      String purl = new PackageURL("deb", "debian", p.name(), p.version(), new java.util.TreeMap<>(java.util.Map.of("arch", "amd64")), null)
          .canonicalize();
      JsonNode pkg = onlySpdxPackage(doc, purl);
      assertEquals(p.sha256().hex(), sha256Checksum(pkg));
      String maintainer = maintainerOf(deb.controlText());
      assertEquals("Person: " + maintainer.replace("<", "(").replace(">", ")"), pkg.get("supplier").asText());
      assertEquals("NOASSERTION", pkg.get("downloadLocation").asText(), "SPDX tools refuse a URL whose host is an IP address");
      assertTrue(pkg.get("comment").asText().contains("downloaded from http://10.1.2.3/debian/" + p.path()), pkg.get("comment").asText());
      assertTrue(relationships(doc).contains("SPDXRef-image CONTAINS " + pkg.get("SPDXID").asText()));
      JsonNode c = onlyComponent(bom, purl);
      assertEquals("http://10.1.2.3/debian/" + p.path(), c.get("externalReferences").get(0).get("url").asText());
      assertEquals(maintainer, c.get("supplier").get("name").asText());
    }
    assertEquals(debs.size() + 1, doc.get("packages").size(), "the image and each package, once");
    assertEquals(debs.size(), bom.get("components").size());
    assertArrayEquals(kit.generate(spec, lock, SbomFormat.SPDX_JSON), kit.generate(spec, lock, SbomFormat.SPDX_JSON));
  }

  /**
   * A Debian root filesystem lists what dpkg has installed: its status file (installed entries only) and, as
   * distroless writes them, status.d records. A package the lock installs again is listed once, as locked.
   */
  @Test
  void aDebianRootfsListsTheInstalledPackagesOfItsDatabase() throws Exception {
    SbomTestKit kit = new SbomTestKit(work);
    String status = """
        Package: base-files
        Status: install ok installed
        Maintainer: Base Files Maintainers <base-files@example.org>
        Architecture: amd64
        Version: 12.4+deb12u5
        Homepage: https://base-files.example.org/
        Description: Debian base system miscellaneous files

        Package: removed-long-ago
        Status: deinstall ok config-files
        Architecture: amd64
        Version: 1.0

        Package: alpha
        Status: install ok installed
        Architecture: amd64
        Version: 0.9
        """;
    String distroless = "Package: tzdata\nVersion: 2024a-0+deb12u1\nArchitecture: all\nMaintainer: Tzdata Maintainers <tzdata@example.org>\n";
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(tar)) {
      for (String dir : List.of("var/", "var/lib/", "var/lib/dpkg/", "var/lib/dpkg/status.d/")) {
        out.putArchiveEntry(new TarArchiveEntry(dir));
        out.closeArchiveEntry();
      }
      for (String[] file : List.of(new String[] {"var/lib/dpkg/status", status}, new String[] {"var/lib/dpkg/status.d/tzdata", distroless},
          new String[] {"var/lib/dpkg/status.d/tzdata.md5sums", "0123  usr/share/zoneinfo/UTC\n"})) {
        byte[] bytes = file[1].getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry e = new TarArchiveEntry(file[0]);
        e.setSize(bytes.length);
        out.putArchiveEntry(e);
        out.write(bytes);
        out.closeArchiveEntry();
      }
    }
    DebFile alpha = DebFile.named("alpha").version("1.0-1");
    LockedPackage locked = lock(kit, alpha);
    BuildSpec spec = kit.spec(SPEC.replace("PACKAGES", "alpha") + "base:\n  rootfs: {path: rootfs.tar}\n");
    Lockfile lock = new Lockfile(Lockfile.VERSION, SpecDigest.of(spec), 0,
        new LockedRootfs("rootfs.tar", kit.cache(tar.toByteArray()), (long) tar.size()), null, List.of(), null, List.of(locked));
    JsonNode doc = kit.validSpdx(kit.generate(spec, lock, SbomFormat.SPDX_JSON));
    SbomTestKit.validCycloneDx(kit.generate(spec, lock, SbomFormat.CYCLONEDX_JSON));

    JsonNode baseFiles = onlySpdxPackage(doc, "pkg:deb/debian/base-files@12.4%2Bdeb12u5?arch=amd64");
    assertEquals("Person: Base Files Maintainers (base-files@example.org)", baseFiles.get("supplier").asText());
    assertEquals("https://base-files.example.org/", baseFiles.get("homepage").asText());
    onlySpdxPackage(doc, "pkg:deb/debian/tzdata@2024a-0%2Bdeb12u1?arch=all");
    assertEquals(List.of(), SbomTestKit.spdxPackagesWithPurl(doc, "pkg:deb/debian/removed-long-ago@1.0?arch=amd64"),
        "only installed packages");
    assertEquals(List.of(), SbomTestKit.spdxPackagesWithPurl(doc, "pkg:deb/debian/alpha@0.9?arch=amd64"), "replaced by the locked alpha");
    onlySpdxPackage(doc, "pkg:deb/debian/alpha@1.0-1?arch=amd64");
    String rootfsId = null;
    for (JsonNode p : doc.get("packages")) {
      if (p.get("name").asText().equals("rootfs.tar")) {
        rootfsId = p.get("SPDXID").asText();
      }
    }
    assertTrue(relationships(doc).contains(rootfsId + " CONTAINS " + baseFiles.get("SPDXID").asText()), relationships(doc).toString());
  }

  @Test
  void aPackageWhoseControlFileNamesAnotherIsRefused() throws Exception {
    SbomTestKit kit = new SbomTestKit(work);
    byte[] bytes = DebFile.named("impostor").version("1.0").build();
    LockedPackage claimed = new LockedPackage("deb", "trusted", "1.0", "amd64", "debian", "pool/main/t/trusted.deb",
        kit.cache(bytes), bytes.length, null, List.of(Platform.LINUX_AMD64));
    BuildSpec spec = kit.spec(SPEC.replace("PACKAGES", "trusted"));
    String message = Refusals.refused(() -> kit.generate(spec, lockfile(spec, List.of(claimed)), SbomFormat.SPDX_JSON),
        "package trusted 1.0", "impostor", "run build lock again");
    assertFalse(message.contains("\n"));
  }

  /**
   * A real package from the Debian archive (this host's apt sources): its SBOM entry must say what dpkg-deb reads
   * from it, and its machine-readable copyright file's short names must be what the SBOM says it states.
   */
  @Test
  void aRealDebianPackage() throws Exception {
    Requirements.require(Files.isExecutable(Path.of("/usr/bin/apt-get")) && Files.isExecutable(Path.of("/usr/bin/dpkg-deb")),
        "apt-get and dpkg-deb are needed to fetch and read a real package");
    Path download = Files.createDirectories(work.resolve("download"));
    Run fetched = run(download, "apt-get", "download", "libkeyutils1");
    Requirements.require(fetched.exit == 0, "apt-get download libkeyutils1 failed (no Debian mirror?): " + fetched.output);
    Path deb;
    try (var list = Files.list(download)) {
      deb = list.filter(f -> f.toString().endsWith(".deb")).findFirst().orElseThrow();
    }
    String name = field(deb, "Package");
    String version = field(deb, "Version");
    String arch = field(deb, "Architecture");
    SbomTestKit kit = new SbomTestKit(work);
    byte[] bytes = Files.readAllBytes(deb);
    LockedPackage p = new LockedPackage("deb", name, version, arch, "debian", "pool/main/k/keyutils/" + deb.getFileName(),
        kit.cache(bytes), bytes.length, null, List.of(Platform.LINUX_AMD64));
    BuildSpec spec = kit.spec(SPEC.replace("PACKAGES", name).replace("url: \"http://10.1.2.3/debian\", ", ""));
    Lockfile lock = lockfile(spec, List.of(p));
    JsonNode doc = kit.validSpdx(kit.generate(spec, lock, SbomFormat.SPDX_JSON));
    JsonNode bom = SbomTestKit.validCycloneDx(kit.generate(spec, lock, SbomFormat.CYCLONEDX_JSON));

    String purl = new PackageURL("deb", "debian", name, version, new java.util.TreeMap<>(java.util.Map.of("arch", arch)), null).canonicalize();
    JsonNode pkg = onlySpdxPackage(doc, purl);
    assertEquals(version, pkg.get("versionInfo").asText());
    assertEquals(p.sha256().hex(), sha256Checksum(pkg));
    assertEquals("Person: " + field(deb, "Maintainer").replace("<", "(").replace(">", ")"), pkg.get("supplier").asText());
    String homepage = field(deb, "Homepage");
    if (!homepage.isEmpty()) {
      assertEquals(homepage, pkg.get("homepage").asText());
    }
    Path extracted = work.resolve("extracted");
    assertEquals(0, run(work, "dpkg-deb", "-x", deb.toString(), extracted.toString()).exit);
    String copyright = Files.readString(extracted.resolve("usr/share/doc/" + name + "/copyright"));
    assertTrue(copyright.startsWith("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0"),
        "this test needs a package with a machine-readable copyright file");
    TreeSet<String> shortNames = new TreeSet<>();
    for (String paragraph : copyright.split("\n\\s*\n")) {
      if (paragraph.startsWith("Files:") || paragraph.contains("\nFiles:")) {
        paragraph.lines().filter(l -> l.startsWith("License:")).forEach(l -> shortNames.add(l.substring("License:".length()).strip()));
      }
    }
    assertFalse(shortNames.isEmpty());
    JsonNode component = onlyComponent(bom, purl);
    String stated = null;
    for (JsonNode prop : component.get("properties")) {
      if (prop.get("name").asText().equals("sealbuild:license-stated")) {
        stated = prop.get("value").asText();
      }
    }
    assertEquals("/usr/share/doc/" + name + "/copyright (copyright-format 1.0): " + String.join("; ", shortNames), stated);
    assertFalse(pkg.get("licenseDeclared").asText().equals("NOASSERTION"),
        "every short name of " + shortNames + " is a DEP-5 name with an SPDX identifier");
  }

  private static String maintainerOf(String control) {
    return control.lines().filter(l -> l.startsWith("Maintainer: ")).findFirst().orElseThrow().substring("Maintainer: ".length());
  }

  private static String field(Path deb, String name) throws Exception {
    Run r = run(deb.getParent(), "dpkg-deb", "-f", deb.toString(), name);
    assertEquals(0, r.exit, r.output);
    return r.output.strip();
  }

  private record Run(int exit, String output) {}

  private static Run run(Path dir, String... command) throws Exception {
    Path out = Files.createTempFile("sbom-test", ".out");
    try {
      Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
      p.getOutputStream().close();
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " timed out");
      }
      return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
    }
  }
}

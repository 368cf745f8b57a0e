package dev.sealbuild.builder.deb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.builder.deb.PackageFixture.LayerEntry;
import dev.sealbuild.builder.fs.Node;
import dev.sealbuild.lockfiles.lock.LockedPackage;
import dev.sealbuild.testsupport.deb.Compression;
import dev.sealbuild.testsupport.deb.DebFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Packages land in the layer as packaged: types, modes, owners, times, content; and are recorded in status.d. */
class DebInstallTest {
  static final String LONG_NAME = "./usr/share/doc/login/" + "a-file-name-longer-than-the-hundred-bytes-an-old-tar-header-holds-".repeat(2) + "end";

  /** A package with the shapes distribution packages really use: setuid/setgid files, group-owned secrets, links. */
  static DebFile login() {
    return DebFile.named("login")
        .dir("./etc/")
        .file("./etc/shadow", "root:*:19000:0:99999:7:::\n", 0640, 0, 42)
        .dir("./tmp/", 01777, 0, 0)
        .dir("./usr/")
        .dir("./usr/bin/")
        .file("./usr/bin/chage", "chage binary", 02755, 0, 42)
        .file("./usr/bin/newgrp", "newgrp binary", 0755, 0, 0)
        .file("./usr/bin/passwd", "passwd binary", 04755, 0, 0)
        .symlink("./usr/bin/sg", "newgrp")
        .dir("./usr/sbin/")
        .file("./usr/sbin/cpgr", "cpgr binary", 0750, 0, 42)
        .hardlink("./usr/sbin/cppw", "./usr/sbin/cpgr")
        .dir("./usr/share/")
        .dir("./usr/share/doc/")
        .dir("./usr/share/doc/login/")
        .symlink("./usr/share/doc/login/changelog.gz", "/usr/share/doc/base/changelog.gz")
        .file(LONG_NAME, "long name")
        .dir("./var/")
        .dir("./var/lib/")
        .dir("./var/mail/", 02775, 0, 8);
  }

  static Stream<Arguments> compressions() {
    List<Arguments> all = new ArrayList<>();
    for (Compression control : Compression.values()) {
      for (Compression data : Compression.values()) {
        all.add(Arguments.of(control, data));
      }
    }
    return all.stream();
  }

  @ParameterizedTest(name = "control.tar{0}, data.tar{1}")
  @MethodSource("compressions")
  void everyEntryLandsAsPackaged(Compression control, Compression data, @TempDir Path work) throws IOException {
    try (PackageFixture f = new PackageFixture(work)) {
      DebFile deb = login().compression(control, data);
      f.install(f.cache(deb));
      Map<String, LayerEntry> layer = f.layer();

      assertDir(layer, "etc/", 0755, 0, 0);
      assertFile(layer, "etc/shadow", "root:*:19000:0:99999:7:::\n", 0640, 0, 42);
      assertDir(layer, "tmp/", 01777, 0, 0);
      assertFile(layer, "usr/bin/chage", "chage binary", 02755, 0, 42);
      assertFile(layer, "usr/bin/passwd", "passwd binary", 04755, 0, 0);
      assertFile(layer, "usr/bin/newgrp", "newgrp binary", 0755, 0, 0);
      assertSymlink(layer, "usr/bin/sg", "newgrp");
      assertSymlink(layer, "usr/share/doc/login/changelog.gz", "/usr/share/doc/base/changelog.gz");
      assertFile(layer, LONG_NAME.substring(2), "long name", 0644, 0, 0);
      assertDir(layer, "var/mail/", 02775, 0, 8);
      // One inode under two names: the layer stores the content once and hard-links the second name.
      assertFile(layer, "usr/sbin/cpgr", "cpgr binary", 0750, 0, 42);
      TarArchiveEntry cppw = layer.get("usr/sbin/cppw").header();
      assertTrue(cppw.isLink(), "cppw must stay a hard link");
      assertEquals("usr/sbin/cpgr", cppw.getLinkName());
      Node.RegularFile a = (Node.RegularFile) f.node("usr/sbin/cpgr");
      Node.RegularFile b = (Node.RegularFile) f.node("usr/sbin/cppw");
      assertSame(a.content(), b.content());
      assertEquals(a.meta(), b.meta());
      for (LayerEntry e : layer.values()) {
        if (!e.header().getName().startsWith("var/lib/dpkg")) {
          assertEquals(DebFile.MTIME, e.header().getModTime().getTime() / 1000, e.header().getName() + " keeps its packaged mtime");
        }
      }
    }
  }

  @ParameterizedTest(name = "control.tar{0}, data.tar{1}")
  @MethodSource("compressions")
  void statusRecordsAreTheControlFileAndMd5sums(Compression control, Compression data, @TempDir Path work) throws IOException {
    try (PackageFixture f = new PackageFixture(work)) {
      DebFile deb = login().compression(control, data);
      f.install(f.cache(deb));
      Map<String, LayerEntry> layer = f.layer();

      assertDir(layer, "var/lib/dpkg/", 0755, 0, 0);
      assertDir(layer, "var/lib/dpkg/status.d/", 0755, 0, 0);
      assertFile(layer, "var/lib/dpkg/status.d/login", deb.controlText(), 0644, 0, 0);
      assertFile(layer, "var/lib/dpkg/status.d/login.md5sums", deb.md5sums(), 0644, 0, 0);
      // As `md5sum -c` would in the image: each recorded sum matches the file installed at that path.
      String[] lines = layer.get("var/lib/dpkg/status.d/login.md5sums").text().split("\n");
      assertEquals(6, lines.length, "one line per regular file");
      for (String line : lines) {
        String[] sumAndPath = line.split("  ", 2);
        LayerEntry installed = layer.get(sumAndPath[1]);
        assertEquals(sumAndPath[0], DebFile.md5(installed.content()), sumAndPath[1]);
      }
    }
  }

  @Test
  void everyPackageGetsItsOwnRecord(@TempDir Path work) throws IOException {
    try (PackageFixture f = new PackageFixture(work)) {
      DebFile base = DebFile.named("base-files").version("13.8").dir("./etc/").file("./etc/debian_version", "13.1\n");
      DebFile meta = DebFile.named("empty-meta").version("2:1.0-1").field("Depends", "base-files (>= 13)");
      f.install(f.cache(meta), f.cache(base));
      Map<String, LayerEntry> layer = f.layer();

      assertEquals(base.controlText(), layer.get("var/lib/dpkg/status.d/base-files").text());
      assertEquals(base.md5sums(), layer.get("var/lib/dpkg/status.d/base-files.md5sums").text());
      assertEquals(meta.controlText(), layer.get("var/lib/dpkg/status.d/empty-meta").text());
      assertTrue(meta.controlText().contains("Version: 2:1.0-1\n"));
      // A package without files has an empty md5sums; nothing is recorded for it.
      assertFalse(layer.containsKey("var/lib/dpkg/status.d/empty-meta.md5sums"));
      assertEquals("13.1\n", layer.get("etc/debian_version").text());
    }
  }

  @Test
  void aControlFileWithoutFinalNewlineIsRecordedAsOneStanza(@TempDir Path work) throws IOException {
    try (PackageFixture f = new PackageFixture(work)) {
      DebFile deb = DebFile.named("nonl").file("./usr/bin/nonl", "x");
      byte[] bytes = DebFile.ar(List.of(deb.debianBinary(),
          new DebFile.Member("control.tar.gz", Compression.GZ.compress(controlTarWith("Package: nonl\nVersion: 1.0\nArchitecture: all"))),
          deb.dataMember()));
      LockedPackage p = f.cache("nonl", "1.0", bytes);
      f.install(p);
      assertEquals("Package: nonl\nVersion: 1.0\nArchitecture: all\n", f.text("var/lib/dpkg/status.d/nonl"));
    }
  }

  private static byte[] controlTarWith(String control) {
    byte[] c = control.getBytes(StandardCharsets.UTF_8);
    TarArchiveEntry e = DebFile.header("./control", org.apache.commons.compress.archivers.tar.TarConstants.LF_NORMAL, 0100644, 0, 0);
    e.setSize(c.length);
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (var tar = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(bytes)) {
      tar.putArchiveEntry(e);
      tar.write(c);
      tar.closeArchiveEntry();
    } catch (IOException x) {
      throw new java.io.UncheckedIOException(x);
    }
    return bytes.toByteArray();
  }

  static void assertFile(Map<String, LayerEntry> layer, String name, String content, int mode, long uid, long gid) {
    LayerEntry e = layer.get(name);
    assertTrue(e != null, name + " missing from the layer; it has " + layer.keySet());
    assertTrue(e.header().isFile() && !e.header().isLink(), name + " must be a regular file");
    assertEquals(content, e.text(), name);
    assertOwnerAndMode(e.header(), mode, uid, gid);
  }

  static void assertDir(Map<String, LayerEntry> layer, String name, int mode, long uid, long gid) {
    LayerEntry e = layer.get(name);
    assertTrue(e != null, name + " missing from the layer; it has " + layer.keySet());
    assertTrue(e.header().isDirectory(), name + " must be a directory");
    assertOwnerAndMode(e.header(), mode, uid, gid);
  }

  static void assertSymlink(Map<String, LayerEntry> layer, String name, String target) {
    LayerEntry e = layer.get(name);
    assertTrue(e != null, name + " missing from the layer; it has " + layer.keySet());
    assertTrue(e.header().isSymbolicLink(), name + " must be a symlink");
    assertEquals(target, e.header().getLinkName());
  }

  static void assertOwnerAndMode(TarArchiveEntry e, int mode, long uid, long gid) {
    assertEquals(Integer.toOctalString(mode), Integer.toOctalString(e.getMode() & 07777), e.getName() + " mode");
    assertEquals(uid + ":" + gid, e.getLongUserId() + ":" + e.getLongGroupId(), e.getName() + " owner");
  }

  static void assertAbsent(Map<String, LayerEntry> layer, String name) {
    assertNull(layer.get(name), name + " must not be in the layer");
  }
}

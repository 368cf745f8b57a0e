package dev.sealbuild.prep.packages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;

/** The base's apk database, read through the one tar reader and the one whiteout rule. */
class BaseApkDatabaseTest {
  private static byte[] tar(String... namesAndContents) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name())) {
      for (int i = 0; i < namesAndContents.length; i += 2) {
        byte[] content = namesAndContents[i + 1].getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry e = new TarArchiveEntry(namesAndContents[i]);
        e.setSize(content.length);
        tar.putArchiveEntry(e);
        tar.write(content);
        tar.closeArchiveEntry();
      }
    }
    return out.toByteArray();
  }

  private static BaseFiles.Layer layer(String label, byte[] tar) {
    return new BaseFiles.Layer(label, () -> new ByteArrayInputStream(tar));
  }

  @Test
  void aLaterLayerReplacesTheDatabaseAndAWhiteoutRemovesIt() throws Exception {
    byte[] lower = tar("lib/apk/db/installed", "P:a\n", "etc/apk/world", "a\n");
    byte[] upper = tar("lib/apk/db/installed", "P:b\n");
    AlpineLocker.Transport.BaseDatabase db = BaseApkDatabase.readLayers(List.of(layer("l1", lower), layer("l2", upper)));
    assertEquals("P:b\n", db.installed());
    assertEquals("a\n", db.world());
    byte[] gone = tar("lib/apk/.wh.db", "");
    assertNull(BaseApkDatabase.readLayers(List.of(layer("l1", lower), layer("l2", gone))));
  }

  @Test
  void anOpaqueDirectoryHidesTheLowerDatabaseButNotTheLayersOwn() throws Exception {
    byte[] lower = tar("lib/apk/db/installed", "P:a\n", "etc/apk/world", "a\n");
    byte[] upper = tar("lib/apk/db/installed", "P:own\n", "lib/apk/db/.wh..wh..opq", "", "etc/apk/.wh..wh..opq", "");
    AlpineLocker.Transport.BaseDatabase db = BaseApkDatabase.readLayers(List.of(layer("l1", lower), layer("l2", upper)));
    assertEquals("P:own\n", db.installed());
    assertNull(db.world());
  }

  @Test
  void anInvalidWhiteoutIsRefusedNamingTheLayer() throws Exception {
    byte[] bad = tar("lib/.wh.", "");
    PackageException e = assertThrows(PackageException.class, () -> BaseApkDatabase.readLayers(List.of(layer("layer 2", bad))));
    assertEquals("layer 2: entry 'lib/.wh.': '.wh.' is not a valid whiteout", e.getMessage());
  }

  @Test
  void aRootfsIsDecompressedAsItsNameDeclares() throws Exception {
    byte[] rootfs = tar("./lib/apk/db/installed", "P:musl\n");
    assertEquals("P:musl\n", BaseApkDatabase.read(new ByteArrayInputStream(rootfs), "alpine.tar").installed());
    PackageException e = assertThrows(PackageException.class,
        () -> BaseApkDatabase.read(new ByteArrayInputStream(rootfs), "alpine.rar"));
    assertTrue(e.getMessage().startsWith("base rootfs alpine.rar: cannot tell the archive type"), e.getMessage());
  }

  @Test
  void baseFilesFollowLinksAndCollectSeveralFilesInOnePass() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name())) {
      TarArchiveEntry link = new TarArchiveEntry("./etc/os-release", TarArchiveEntry.LF_SYMLINK);
      link.setLinkName("../usr/lib/os-release");
      tar.putArchiveEntry(link);
      tar.closeArchiveEntry();
      for (String[] f : new String[][] {{"./usr/lib/os-release", "ID=debian\n"}, {"./var/lib/dpkg/status", "Package: a\n"},
          {"./etc/apt/sources.list", "deb http://m.example/debian bookworm main\n"}, {"./usr/bin/ls", "not wanted"}}) {
        byte[] content = f[1].getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry e = new TarArchiveEntry(f[0]);
        e.setSize(content.length);
        tar.putArchiveEntry(e);
        tar.write(content);
        tar.closeArchiveEntry();
      }
    }
    BaseFiles.Found found = BaseFiles.readRootfs(new ByteArrayInputStream(out.toByteArray()), "debian.tar", BaseFiles.PACKAGE_FILES);
    assertEquals("ID=debian\n", new String(found.get("etc/os-release").orElseThrow(), StandardCharsets.UTF_8));
    assertEquals("Package: a\n", new String(found.get("/var/lib/dpkg/status").orElseThrow(), StandardCharsets.UTF_8));
    assertTrue(found.get("usr/bin/ls").isEmpty(), "only the wanted files are read");
    byte[] upper = tar("var/lib/dpkg/.wh.status", "");
    BaseFiles.Found layered = BaseFiles.readLayers("img", List.of(layer("l1", out.toByteArray()), layer("l2", upper)),
        BaseFiles.PACKAGE_FILES);
    assertTrue(layered.get("var/lib/dpkg/status").isEmpty(), "a whiteout removes what lower layers had");
    assertTrue(layered.get("etc/os-release").isPresent());
  }
}

package dev.sealbuild.builder.hostile;

import static dev.sealbuild.builder.hostile.Fixture.EXTRACT;
import static dev.sealbuild.builder.hostile.Fixture.ROOTFS;
import static dev.sealbuild.builder.hostile.Fixture.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Checklist items 1, 2, 9 and 17: names that try to leave the image root or the extract destination. */
class PathEscapeTest {
  @TempDir
  Path work;

  @ParameterizedTest
  @ValueSource(strings = {"../../evil", "a/../../evil", "./../evil", "a/../evil", "a/b/../../../evil"})
  void dotDotInARootfsNameIsRefusedAndNamed(String name) throws Exception {
    byte[] tar = new TarOut().file("ok", "fine").file(name, "pwned").bytes();
    try (Fixture f = new Fixture(work)) {
      String message = refused(() -> f.rootfs(tar), ROOTFS, "'" + name + "'", "..");
      assertTrue(message.startsWith(ROOTFS), message);
      assertEquals(List.of("ok"), f.imagePaths(), "only the harmless entry before it may be in the image");
      f.assertHostUntouched();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"../../evil", "a/../../evil", "../app2/x"})
  void dotDotInAnExtractNameIsRefusedAndNamed(String name) throws Exception {
    byte[] tar = new TarOut().file(name, "pwned").bytes();
    try (Fixture f = new Fixture(work)) {
      refused(() -> f.extract("opt/app", tar), EXTRACT, "'" + name + "'");
      assertEquals(List.of("opt", "opt/app"), f.imagePaths());
      f.assertHostUntouched();
    }
  }

  @Test
  void absoluteRootfsNameIsStoredRelativeToTheImageRoot() throws Exception {
    byte[] tar = new TarOut().file("/etc/x", "inside").file("//etc///y", "inside too").bytes();
    try (Fixture f = new Fixture(work)) {
      f.rootfs(tar);
      assertEquals("inside", f.content("etc/x"));
      assertEquals("inside too", f.content("etc/y"));
      assertEquals(List.of("etc/", "etc/x", "etc/y"), List.copyOf(f.layerEntries().keySet()));
      f.assertHostUntouched();
    }
  }

  @Test
  void absoluteExtractNameIsRefused() throws Exception {
    byte[] tar = new TarOut().file("/etc/x", "outside the destination").bytes();
    try (Fixture f = new Fixture(work)) {
      refused(() -> f.extract("opt/app", tar), EXTRACT, "'/etc/x'", "absolute");
      assertNull(f.node("etc/x"));
      assertNull(f.node("opt/app/etc/x"));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {".", "/", "./", "", "//", "./."})
  void symlinkNamingTheRootIsRefused(String name) throws Exception {
    byte[] tar = new RawTar().symlink(name, "/etc").end().bytes();
    try (Fixture f = new Fixture(work)) {
      refused(() -> f.rootfs(tar), ROOTFS, "symlink entry names the image root");
      assertEquals(List.of(), f.imagePaths());
    }
    try (Fixture f = new Fixture(work)) {
      // '/' is refused as absolute before it is seen to name the destination.
      refused(() -> f.extract("opt/app", tar), EXTRACT, "destination /opt/app");
      assertTrue(f.node("opt/app") instanceof dev.sealbuild.builder.fs.Node.Directory, "the destination stays a directory");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {".", "/", "./", ""})
  void hardlinkNamingTheRootIsRefused(String name) throws Exception {
    byte[] tar = new RawTar().file("f", "data").hardlink(name, "f").end().bytes();
    try (Fixture f = new Fixture(work)) {
      refused(() -> f.rootfs(tar), ROOTFS, "hardlink entry names the image root");
    }
    try (Fixture f = new Fixture(work)) {
      refused(() -> f.extract("opt/app", tar), EXTRACT, "destination /opt/app");
    }
  }

  @Test
  void dotSlashDirectoryIsTheDestinationItself() throws Exception {
    // What `tar -C dir -cf x.tar .` writes: the first entry is './'.
    byte[] tar = new TarOut().dir("./").dir("./bin").file("./bin/tool", "#!").bytes();
    try (Fixture f = new Fixture(work)) {
      f.extract("opt/app", tar);
      assertEquals("#!", f.content("opt/app/bin/tool"));
      assertEquals(Fixture.OWNER, f.node("opt/app/bin/tool").meta().uid());
      assertEquals(List.of("opt/", "opt/app/", "opt/app/bin/", "opt/app/bin/tool"), List.copyOf(f.layerEntries().keySet()));
    }
  }

  @Test
  void backslashesAndDriveLettersAreLiteralNames() throws Exception {
    byte[] tar = new TarOut().file("..\\..\\evil", "1").file("C:evil", "2").file("C:\\Windows\\x", "3").bytes();
    try (Fixture f = new Fixture(work)) {
      f.rootfs(tar);
      assertEquals("1", f.content("..\\..\\evil"));
      assertEquals("2", f.content("C:evil"));
      assertEquals(Set.of("..\\..\\evil", "C:evil", "C:\\Windows\\x"), f.layerEntries().keySet());
    }
    try (Fixture f = new Fixture(work)) {
      f.extract("opt/app", tar);
      assertEquals("1", f.content("opt/app/..\\..\\evil"));
      assertEquals("3", f.content("opt/app/C:\\Windows\\x"));
      f.assertHostUntouched();
    }
  }
}

package dev.sealbuild.builder.hostile;

import static dev.sealbuild.builder.hostile.Fixture.EPOCH;
import static dev.sealbuild.builder.hostile.Fixture.EXTRACT;
import static dev.sealbuild.builder.hostile.Fixture.ROOTFS;
import static dev.sealbuild.builder.hostile.Fixture.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.builder.fs.Content;
import dev.sealbuild.builder.fs.EntryPath;
import dev.sealbuild.builder.fs.Meta;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checklist items 18-21. Whiteout processing does not exist yet, so the rule is: no input entry and no path in
 * the image may have a component beginning with {@code .wh.} (a layer consumer would read it as a whiteout).
 */
class WhiteoutNameTest {
  @TempDir
  Path work;

  @ParameterizedTest
  @ValueSource(strings = {".wh.", ".wh..", ".wh..wh..opq", "etc/.wh.passwd", ".wh.dir/x", "usr/.wh.lib/libc.so"})
  void whiteoutNamesAreRefusedInEveryArchive(String name) throws Exception {
    byte[] tar = new TarOut().file("usr/keep", "k").file(name, "").bytes();
    try (Fixture f = new Fixture(work)) {
      refused(() -> f.rootfs(tar), ROOTFS, "'" + name + "'", "whiteout");
      assertEquals(List.of("usr", "usr/keep"), f.imagePaths());
    }
    try (Fixture f = new Fixture(work)) {
      refused(() -> f.extract("opt/app", tar), EXTRACT, "'" + name + "'", "whiteout");
    }
  }

  @Test
  void item18DotDotAfterAWhiteoutPrefixIsRefused() throws Exception {
    byte[] tar = new TarOut().file("a/.wh.../../x", "").bytes();
    try (Fixture f = new Fixture(work)) {
      refused(() -> f.rootfs(tar), ROOTFS, "'a/.wh.../../x'");
      assertNull(f.node("x"));
      assertNull(f.node("a"));
    }
  }

  @Test
  void item19WhiteoutThroughALinkIsRefusedAndNothingIsCreatedAtTheTarget() throws Exception {
    byte[] tar = new TarOut().symlink("etc", "/tmp/probe").file("etc/.wh.victim", "").bytes();
    try (Fixture f = new Fixture(work)) {
      refused(() -> f.rootfs(tar), ROOTFS, "'etc/.wh.victim'", "whiteout");
      assertNull(f.node("tmp"));
      assertEquals(List.of("etc"), f.imagePaths());
    }
  }

  @Test
  void item20OpaqueMarkerAfterSiblingsIsRefusedAndTheLowerLayerStays() throws Exception {
    try (Fixture f = new Fixture(work)) {
      f.rootfs(new TarOut().file("d/lower", "lower").bytes());
      f.nextLayer();
      byte[] upper = new TarOut().file("d/own", "own").file("d/.wh..wh..opq", "").bytes();
      refused(() -> f.rootfs(upper), ROOTFS, "'d/.wh..wh..opq'", "whiteout");
      assertEquals("lower", f.content("d/lower"));
    }
  }

  @Test
  void item21WhiteoutStoredAsHardlinkDirectoryOrFileWithDataIsRefused() throws Exception {
    byte[] asHardlink = new TarOut().file("x", "data").hardlink(".wh.x", "x").bytes();
    byte[] asDirectory = new TarOut().dir(".wh.d").bytes();
    byte[] withData = new TarOut().file(".wh.x", "not empty").bytes();
    byte[] asSymlink = new TarOut().symlink("d/.wh.x", "/etc").bytes();
    for (byte[] tar : List.of(asHardlink, asDirectory, withData, asSymlink)) {
      try (Fixture f = new Fixture(work)) {
        refused(() -> f.rootfs(tar), ROOTFS, ".wh.", "whiteout");
        assertTrue(f.imagePaths().stream().noneMatch(p -> p.contains(".wh.")), f.imagePaths().toString());
      }
    }
  }

  @Test
  void item21LinkResolvingToAWhiteoutNameCannotCreateOne() throws Exception {
    // The names in the archive are clean; the path they resolve to is not.
    byte[] tar = new TarOut().symlink("a", ".wh.secret").file("a/x", "hidden").bytes();
    try (Fixture f = new Fixture(work)) {
      refused(() -> f.rootfs(tar), ROOTFS, "'a/x'", "reserved for layer whiteouts");
      assertTrue(f.imagePaths().stream().noneMatch(p -> p.contains(".wh.")), f.imagePaths().toString());
    }
  }

  @Test
  void item21RealFileNamedLikeAWhiteoutIsRefusedWhenAddedToTheImage() throws Exception {
    // The path every source (local copies, pinned files) goes through.
    try (Fixture f = new Fixture(work)) {
      Meta meta = new Meta(0644, 0, 0, EPOCH);
      refused(() -> f.tree.addFile(EntryPath.parse("etc/.wh.x"), meta, bytes("x")), ".wh.x", "reserved for layer whiteouts");
      refused(() -> f.tree.addDirectory(EntryPath.parse(".wh.d"), meta), ".wh.d", "reserved for layer whiteouts");
      refused(() -> f.tree.addSymlink(EntryPath.parse("usr/.wh.bin"), meta, "/bin"), ".wh.bin", "reserved for layer whiteouts");
      assertEquals(List.of(), f.imagePaths());
      f.tree.addFile(EntryPath.parse("etc/wh.x"), meta, bytes("x"));
      f.tree.addFile(EntryPath.parse("etc/x.wh.y"), meta, bytes("x"));
      assertEquals(List.of("etc/", "etc/wh.x", "etc/x.wh.y"), List.copyOf(f.layerEntries().keySet()));
    }
  }

  private static Content bytes(String s) {
    byte[] data = s.getBytes();
    return new Content() {
      @Override
      public long size() {
        return data.length;
      }

      @Override
      public InputStream open() {
        return new ByteArrayInputStream(data);
      }

      @Override
      public String origin() {
        return "test bytes";
      }
    };
  }
}

package dev.sealbuild.builder.hostile;

import static dev.sealbuild.builder.hostile.Fixture.EXTRACT;
import static dev.sealbuild.builder.hostile.Fixture.OWNER;
import static dev.sealbuild.builder.hostile.Fixture.ROOTFS;
import static dev.sealbuild.builder.hostile.Fixture.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.builder.fs.Node;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checklist items 32 and 33: devices and FIFOs (metadata only, and only in base layers), entry types tar
 * readers disagree on, permission bits, and owner IDs outside 0..2^31-1.
 */
class SpecialEntryTest {
  @TempDir
  Path work;

  private static byte[] devices() {
    return new RawTar()
        .dir("dev")
        .add(RawTar.header("dev/null", '3').mode(0666).device(1, 3))
        .add(RawTar.header("dev/sda", '4').mode(0660).gid(6).device(8, 0))
        .add(RawTar.header("run/initctl", '6').mode(0600))
        .end().bytes();
  }

  @Test
  void item32DevicesAndFifosInABaseLayerAreKeptAsMetadata() throws Exception {
    try (Fixture f = new Fixture(work)) {
      f.rootfs(devices());
      Node.Special nul = (Node.Special) f.node("dev/null");
      assertEquals(Node.Special.Kind.CHAR_DEVICE, nul.kind());
      assertEquals(1, nul.devMajor());
      assertEquals(3, nul.devMinor());
      assertEquals(Node.Special.Kind.BLOCK_DEVICE, ((Node.Special) f.node("dev/sda")).kind());
      assertEquals(Node.Special.Kind.FIFO, ((Node.Special) f.node("run/initctl")).kind());
      Map<String, TarArchiveEntry> layer = f.layerEntries();
      TarArchiveEntry written = layer.get("dev/null");
      assertTrue(written.isCharacterDevice());
      assertEquals(1, written.getDevMajor());
      assertEquals(3, written.getDevMinor());
      assertEquals(0666, written.getMode() & 07777);
      assertEquals(0, written.getSize());
      assertTrue(layer.get("dev/sda").isBlockDevice());
      assertEquals(6, layer.get("dev/sda").getLongGroupId());
      assertTrue(layer.get("run/initctl").isFIFO());
      f.assertHostUntouched();
    }
  }

  @Test
  void item32DevicesAndFifosInAnExtractedArchiveAreRefused() throws Exception {
    for (String[] kind : List.of(new String[] {"3", "null"}, new String[] {"4", "sda"}, new String[] {"6", "fifo"})) {
      byte[] tar = new RawTar().add(RawTar.header(kind[1], kind[0].charAt(0)).device(1, 3)).end().bytes();
      try (Fixture f = new Fixture(work)) {
        refused(() -> f.extract("opt/app", tar), EXTRACT, "'" + kind[1] + "'", "device files and FIFOs are not allowed");
        assertNull(f.node("opt/app/" + kind[1]));
      }
    }
  }

  @ParameterizedTest
  @ValueSource(chars = {'V', 'M', 'N', 'D', 'Z', 'A', 'I'})
  void unknownEntryTypesAreRefusedNotReadAsFiles(char type) throws Exception {
    // commons-compress reports these as regular files; GNU tar treats them as volume labels, multivolume
    // continuations, dump directories or vendor extensions.
    byte[] tar = new RawTar().add(RawTar.header("odd", type).size(4)).data("data".getBytes()).end().bytes();
    try (Fixture f = new Fixture(work)) {
      refused(() -> f.rootfs(tar), ROOTFS, "'odd'", "unsupported tar entry type '" + type + "'");
      assertNull(f.node("odd"));
    }
  }

  @Test
  void contiguousAndOldStyleFilesAreRegularFiles() throws Exception {
    byte[] tar = new RawTar()
        .add(RawTar.header("contig", '7').size(3)).data("abc".getBytes())
        .add(RawTar.header("old", '\0').size(3)).data("def".getBytes())
        .add(RawTar.header("olddir/", '\0'))
        .end().bytes();
    try (Fixture f = new Fixture(work)) {
      f.rootfs(tar);
      assertEquals("abc", f.content("contig"));
      assertEquals("def", f.content("old"));
      assertTrue(f.node("olddir") instanceof Node.Directory);
    }
  }

  @Test
  void nonFileEntriesCarryingDataAreRefused() throws Exception {
    // commons-compress does not skip a directory's data; GNU tar does. Either reading would differ from the
    // other, so such an archive is refused.
    byte[] hidden = new RawTar().file("evil", "x").bytes();
    for (char type : new char[] {'5', '2', '3', '6'}) {
      byte[] tar = new RawTar().add(RawTar.header("d", type).size(hidden.length).link("t")).data(hidden).end().bytes();
      try (Fixture f = new Fixture(work)) {
        refused(() -> f.rootfs(tar), ROOTFS, "'d", "declares " + hidden.length + " bytes of data");
        assertNull(f.node("evil"));
      }
    }
  }

  @Test
  void item32DeviceNumbersOutOfRangeAreRefused() throws Exception {
    byte[] negativeMajor = new byte[8];
    java.util.Arrays.fill(negativeMajor, (byte) 0xff);
    byte[] tar = new RawTar().add(RawTar.header("dev/bad", '3').device(0, 0).set(329, 8, negativeMajor)).end().bytes();
    try (Fixture f = new Fixture(work)) {
      refused(() -> f.rootfs(tar), ROOTFS);
      assertNull(f.node("dev/bad"));
    }
  }

  @Test
  void item33OwnerIdsAtOrOver2To31OrNegativeAreRefused() throws Exception {
    List<byte[]> archives = List.of(
        new RawTar().paxLocal("uid", "2147483648").file("f", "x").end().bytes(),
        new RawTar().paxLocal("gid", "4294967296").file("f", "x").end().bytes(),
        new RawTar().paxLocal("uid", "-1").file("f", "x").end().bytes(),
        new RawTar().add(RawTar.header("f", '0').uidBase256(-2)).end().bytes(),
        new RawTar().add(RawTar.header("f", '0').uidBase256(1L << 40)).end().bytes());
    for (int i = 0; i < archives.size(); i++) {
      byte[] tar = archives.get(i);
      try (Fixture f = new Fixture(work)) {
        String message;
        try {
          message = refused(() -> f.rootfs(tar), ROOTFS);
        } catch (AssertionError e) {
          throw new AssertionError("archive " + i + ": " + e.getMessage(), e);
        }
        assertTrue(message.contains("'f'") && message.contains("out of range") || message.contains("not a valid tar archive"), message);
        assertNull(f.node("f"));
      }
    }
    byte[] largest = new RawTar().paxLocal("uid", "2147483647", "gid", "2147483647").file("f", "x").end().bytes();
    try (Fixture f = new Fixture(work)) {
      f.rootfs(largest);
      assertEquals(2147483647L, f.node("f").meta().uid());
      assertEquals(2147483647L, f.layerEntries().get("f").getLongUserId());
    }
  }

  @Test
  void item33ExtractTakesTheDeclaredOwnerWhateverTheArchiveSays() throws Exception {
    byte[] tar = new RawTar().paxLocal("uid", "4294967296", "gid", "0").file("f", "x").end().bytes();
    try (Fixture f = new Fixture(work)) {
      f.extract("opt/app", tar);
      assertEquals(OWNER, f.node("opt/app/f").meta().uid());
      assertEquals(OWNER, f.node("opt/app/f").meta().gid());
    }
  }

  @Test
  void item33SpecialPermissionBitsOfABaseLayerAreKeptExactly() throws Exception {
    byte[] tar = new TarOut()
        .file("usr/bin/passwd", "elf", 04755)
        .file("usr/bin/wall", "elf", 02755)
        .dir("tmp", 01777)
        .file("world", "w", 0666)
        .bytes();
    try (Fixture f = new Fixture(work)) {
      f.rootfs(tar);
      Map<String, TarArchiveEntry> layer = f.layerEntries();
      assertEquals(04755, layer.get("usr/bin/passwd").getMode() & 07777);
      assertEquals(02755, layer.get("usr/bin/wall").getMode() & 07777);
      assertEquals(01777, layer.get("tmp/").getMode() & 07777);
      assertEquals(0666, layer.get("world").getMode() & 07777);
    }
  }
}

package dev.sealbuild.builder.hostile;

import static dev.sealbuild.builder.hostile.Fixture.EPOCH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.builder.fs.EntryPath;
import dev.sealbuild.builder.layer.LayerBlob;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A layer is a function of the tree alone: same tree, same bytes. Entries come sorted with every parent
 * directory first, owners are numeric only, mtimes are clamped to the build epoch.
 */
class LayerWriterDeterminismTest {
  @TempDir
  Path one;
  @TempDir
  Path two;

  /** Out of order, with future and past mtimes, user names, a hard link, long and non-ASCII names. */
  private static byte[] messyArchive() {
    TarOut out = new TarOut();
    out.entry(timed(TarOut.entry("z/late", (byte) '0', 0100644), EPOCH + 86_400, "alice", "staff"), new byte[0]);
    out.entry(timed(TarOut.entry("a0", (byte) '0', 0100600), 1_000, "bob", "users"), new byte[0]);
    out.file("a/b/c/deep", "deep");
    out.file("a-b", "dash");
    out.file("a.b", "dot");
    out.hardlink("a/b/hard", "a/b/c/deep");
    out.file("d\u00e9j\u00e0/" + "long".repeat(40), "long name");
    out.symlink("a/b/up", "../..");
    TarArchiveEntry bigId = TarOut.entry("big-id", (byte) '0', 0100644);
    bigId.setUserId(3_000_000);
    out.entry(bigId, new byte[0]);
    return out.bytes();
  }

  private static TarArchiveEntry timed(TarArchiveEntry e, long seconds, String user, String group) {
    e.setModTime(seconds * 1000);
    e.setUserName(user);
    e.setGroupName(group);
    return e;
  }

  private static LayerBlob layerOf(Path work) throws IOException {
    try (Fixture f = new Fixture(work)) {
      f.rootfs(messyArchive());
      return f.writeLayer();
    }
  }

  @Test
  void sameTreeGivesTheSameBytesAndDigests() throws Exception {
    LayerBlob first = layerOf(one);
    String user = System.getProperty("user.name");
    LayerBlob second;
    try {
      // Nothing about the machine or account that builds may reach the layer.
      System.setProperty("user.name", "someone-else-entirely");
      second = layerOf(two);
    } finally {
      System.setProperty("user.name", user);
    }
    assertEquals(-1, Files.mismatch(first.file(), second.file()), "layer bytes differ");
    assertEquals(first.digest(), second.digest());
    assertEquals(first.diffId(), second.diffId());
    assertEquals(sha256(Files.readAllBytes(first.file())), first.digest().hex());
    assertEquals(Files.size(first.file()), first.size());
    assertEquals(sha256(gunzip(first.file())), first.diffId().hex());
  }

  @Test
  void entriesAreSortedByBytesWithParentsFirst() throws Exception {
    try (Fixture f = new Fixture(one)) {
      f.rootfs(messyArchive());
      List<String> names = new ArrayList<>(f.layerEntries().keySet());
      assertEquals(List.of("a/", "a-b", "a.b", "a/b/", "a/b/c/", "a/b/c/deep", "a/b/hard", "a/b/up", "a0", "big-id",
          "d\u00e9j\u00e0/", "d\u00e9j\u00e0/" + "long".repeat(40), "z/", "z/late"), names);
      Set<String> seen = new HashSet<>();
      EntryPath previous = null;
      for (String name : names) {
        EntryPath p = EntryPath.parse(name);
        assertTrue(p.parent().isRoot() || seen.contains(p.parent().value()), name + " comes before its parent");
        assertTrue(previous == null || previous.compareTo(p) < 0, name + " is out of order");
        seen.add(p.value());
        previous = p;
      }
    }
  }

  @Test
  void ownersAreNumericTimesClampedAndHardLinksKept() throws Exception {
    try (Fixture f = new Fixture(one)) {
      f.rootfs(messyArchive());
      Map<String, TarArchiveEntry> layer = f.layerEntries();
      for (TarArchiveEntry e : layer.values()) {
        assertEquals("", e.getUserName(), e.getName());
        assertEquals("", e.getGroupName(), e.getName());
        assertTrue(e.getLastModifiedDate().getTime() / 1000 <= EPOCH, e.getName() + " is newer than the epoch");
      }
      assertEquals(EPOCH, layer.get("z/late").getLastModifiedDate().getTime() / 1000, "clamped to the epoch");
      assertEquals(1_000, layer.get("a0").getLastModifiedDate().getTime() / 1000, "older times are kept");
      assertEquals(EPOCH, layer.get("z/").getLastModifiedDate().getTime() / 1000, "implicit parents get the epoch");
      assertEquals(0100600, layer.get("a0").getMode());
      assertEquals(3_000_000, layer.get("big-id").getLongUserId());
      TarArchiveEntry hard = layer.get("a/b/hard");
      assertTrue(hard.isLink(), "content shared in the tree is written once and hard-linked");
      assertEquals("a/b/c/deep", hard.getLinkName());
      assertEquals("../..", layer.get("a/b/up").getLinkName());
    }
  }

  @Test
  void rawHeadersCarryNoNamesTimesOrHostDetails() throws Exception {
    byte[] gz;
    byte[] tar;
    try (Fixture f = new Fixture(one)) {
      f.rootfs(messyArchive());
      Path file = f.writeLayer().file();
      gz = Files.readAllBytes(file);
      tar = gunzip(file);
    }
    assertEquals(0, gz[3], "gzip header has no file name or comment");
    assertEquals(0, gz[4] | gz[5] | gz[6] | gz[7], "gzip header has no timestamp");
    assertEquals((byte) 0xff, gz[9], "gzip header names no operating system");
    int headers = 0;
    for (int pos = 0; pos + 512 <= tar.length; ) {
      if (isZero(tar, pos, 512)) {
        pos += 512;
        continue;
      }
      headers++;
      assertTrue(isZero(tar, pos + 265, 64), "uname/gname set in header at " + pos);
      char type = (char) tar[pos + 156];
      long size = Long.parseLong(new String(tar, pos + 124, 11, StandardCharsets.US_ASCII).trim(), 8);
      if (type == 'x' || type == 'g') {
        String records = new String(tar, pos + 512, (int) size, StandardCharsets.UTF_8);
        for (String key : List.of("atime=", "ctime=", "uname=", "gname=", "mtime=")) {
          assertFalse(records.contains(" " + key), "PAX header carries " + key + ": " + records);
        }
      }
      pos += 512 + (int) ((size + 511) / 512 * 512);
    }
    assertTrue(headers > 14, "walked the headers, PAX ones included");
  }

  private static boolean isZero(byte[] b, int off, int len) {
    for (int i = off; i < off + len; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private static byte[] gunzip(Path file) throws IOException {
    try (InputStream in = new GzipCompressorInputStream(Files.newInputStream(file))) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      in.transferTo(out);
      return out.toByteArray();
    }
  }

  private static String sha256(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }
}

package dev.sealbuild.builder.hostile;

import static dev.sealbuild.builder.hostile.Fixture.EXTRACT;
import static dev.sealbuild.builder.hostile.Fixture.ROOTFS;
import static dev.sealbuild.builder.hostile.Fixture.assertSymlink;
import static dev.sealbuild.builder.hostile.Fixture.refused;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checklist items 25-29, 31 and 35: header blocks crafted byte by byte. The entry list must be the one GNU
 * tar reads, every size is bounded before anything is allocated by it, and a cut-off stream is an error.
 */
@Timeout(20)
class TarHeaderAbuseTest {
  @TempDir
  Path work;

  // ---- 25: oversized PAX and GNU long-name headers

  @Test
  void item25PaxHeaderOverOneMiBIsRefused() throws Exception {
    byte[] records = RawTar.paxRecords("comment", "x".repeat(2 << 20));
    byte[] tar = new RawTar().file("before", "ok").pax('x', records).file("after", "never").end().bytes();
    try (Fixture f = new Fixture(work)) {
      refused(() -> f.rootfs(tar), ROOTFS, "exceed 1048576 bytes", "PAX");
      assertNull(f.node("after"));
    }
  }

  @Test
  void item25PaxHeaderDeclaringTerabytesIsRefusedWithoutReadingThem() throws Exception {
    byte[] tar = new RawTar().add(RawTar.header("./PaxHeaders/x", 'x').sizeBase256(1L << 40))
        .data(RawTar.paxRecords("path", "x")).raw(new byte[4 << 20]).bytes();
    try (Fixture f = new Fixture(work)) {
      refused(() -> f.rootfs(tar), ROOTFS);
      assertEquals(List.of(), f.imagePaths());
    }
  }

  @Test
  void item25PaxHeaderWithTooManyRecordsIsRefused() throws Exception {
    ByteArrayOutputStream records = new ByteArrayOutputStream();
    for (int i = 0; i < 20_000; i++) {
      records.writeBytes(RawTar.paxRecord("k" + i, "v".getBytes()));
    }
    byte[] tar = new RawTar().pax('x', records.toByteArray()).file("f", "x").end().bytes();
    try (Fixture f = new Fixture(work)) {
      refused(() -> f.rootfs(tar), ROOTFS, "more than 4096 records");
    }
    ByteArrayOutputStream millions = new ByteArrayOutputStream();
    byte[] one = RawTar.paxRecord("a", "b".getBytes());
    for (int i = 0; i < 1_500_000; i++) {
      millions.writeBytes(one);
    }
    byte[] huge = new RawTar().pax('x', millions.toByteArray()).file("f", "x").end().bytes();
    try (Fixture f = new Fixture(work)) {
      refused(() -> f.rootfs(huge), ROOTFS, "exceed 1048576 bytes");
    }
  }

  @Test
  void item25GnuLongNameOverOneMiBIsRefused() throws Exception {
    byte[] tar = new RawTar().gnuLongName("a/".repeat(1 << 20).getBytes()).file("short", "x").end().bytes();
    try (Fixture f = new Fixture(work)) {
      refused(() -> f.rootfs(tar), ROOTFS, "exceed 1048576 bytes");
    }
  }

  @Test
  void largeButReasonablePaxRecordsAreRead() throws Exception {
    byte[] tar = new RawTar().paxLocal("SCHILY.xattr.user.big", "v".repeat(200_000), "path", "long/" + "n".repeat(200))
        .file("short", "content").end().bytes();
    try (Fixture f = new Fixture(work)) {
      f.rootfs(tar);
      assertEquals("content", f.content("long/" + "n".repeat(200)));
    }
  }

  // ---- 26: what the headers mean, compared with GNU tar

  @Test
  void item26PaxSizeWinsOverUstarSizeAsInGnuTar() throws Exception {
    byte[] tar = new RawTar().paxLocal("size", "10").add(RawTar.header("f", '0').size(5)).data("0123456789".getBytes())
        .file("g", "next").end().bytes();
    try (Fixture f = new Fixture(work)) {
      f.rootfs(tar);
      assertEquals("0123456789", f.content("f"));
      assertEquals("next", f.content("g"));
      assertEquals(GnuTar.list(tar), f.imagePaths());
    }
  }

  @Test
  void item26PaxPathWinsOverGnuLongNameInEitherOrderAsInGnuTar() throws Exception {
    byte[] paxFirst = new RawTar().paxLocal("path", "from-pax").gnuLongName("from-gnu-L".getBytes())
        .file("ustar-name", "x").end().bytes();
    byte[] longNameFirst = new RawTar().gnuLongName("from-gnu-L".getBytes()).paxLocal("path", "from-pax")
        .file("ustar-name", "x").end().bytes();
    for (byte[] tar : List.of(paxFirst, longNameFirst)) {
      try (Fixture f = new Fixture(work)) {
        f.rootfs(tar);
        assertEquals(List.of("from-pax"), f.imagePaths());
        assertEquals(GnuTar.list(tar), f.imagePaths());
      }
    }
    byte[] longNameOnly = new RawTar().gnuLongName(("dir/" + "n".repeat(150)).getBytes()).file("ustar-name", "x").end().bytes();
    try (Fixture f = new Fixture(work)) {
      f.rootfs(longNameOnly);
      assertEquals("x", f.content("dir/" + "n".repeat(150)));
      assertEquals(GnuTar.list(longNameOnly), List.of("dir/" + "n".repeat(150)));
    }
  }

  @Test
  void item26ExtendedHeaderWithoutAnEntryIsRefused() throws Exception {
    byte[] danglingLongName = new RawTar().file("a", "1").gnuLongName("b".getBytes()).end().bytes();
    byte[] danglingPax = new RawTar().file("a", "1").paxLocal("path", "b").end().bytes();
    for (byte[] tar : List.of(danglingLongName, danglingPax)) {
      try (Fixture f = new Fixture(work)) {
        String message = refused(() -> f.rootfs(tar), ROOTFS, "'a'");
        assertTrue(message.contains("not followed by an entry") || message.contains("premature end"), message);
      }
    }
  }

  @Test
  void item26GnuLongLinkNameIsTheTargetUsed() throws Exception {
    String target = "/usr/lib/" + "t".repeat(200);
    byte[] tar = new RawTar().gnuLongLink(target.getBytes()).symlink("l", "short").end().bytes();
    try (Fixture f = new Fixture(work)) {
      f.rootfs(tar);
      assertSymlink(f.node("l"), target);
      assertEquals(target, f.layerEntries().get("l").getLinkName());
    }
  }

  @Test
  void item26MalformedPaxRecordsAreRefused() throws Exception {
    List<byte[]> malformed = List.of(
        "7 path\n".getBytes(StandardCharsets.US_ASCII), // no '=' (commons-compress accepts it silently)
        "99 path=x\n".getBytes(StandardCharsets.US_ASCII), // length past the header
        "abc path=x\n".getBytes(StandardCharsets.US_ASCII), // no length
        "12 path=xy\n".getBytes(StandardCharsets.US_ASCII), // length does not end at the newline
        "6 =xy\n".getBytes(StandardCharsets.US_ASCII), // empty key
        "10 path=x\nJUNK".getBytes(StandardCharsets.US_ASCII)); // trailing garbage
    for (byte[] records : malformed) {
      byte[] tar = new RawTar().pax('x', records).file("f", "x").end().bytes();
      try (Fixture f = new Fixture(work)) {
        String what = new String(records, StandardCharsets.US_ASCII);
        String message;
        try {
          message = refused(() -> f.rootfs(tar), ROOTFS);
        } catch (AssertionError e) {
          throw new AssertionError("PAX data '" + what + "': " + e.getMessage(), e);
        }
        assertTrue(message.contains("PAX") || message.contains("Paxheader") || message.contains("not a valid tar archive"), message);
        assertNull(f.node("f"), what);
      }
    }
  }

  @Test
  void item26RepeatedExtendedHeadersForOneEntryAreRefused() throws Exception {
    byte[] twoPax = new RawTar().paxLocal("path", "one").paxLocal("path", "two").file("f", "x").end().bytes();
    byte[] twoLongNames = new RawTar().gnuLongName("one".getBytes()).gnuLongName("two".getBytes()).file("f", "x").end().bytes();
    for (byte[] tar : List.of(twoPax, twoLongNames)) {
      try (Fixture f = new Fixture(work)) {
        refused(() -> f.rootfs(tar), ROOTFS, "two ");
        assertEquals(List.of(), f.imagePaths());
      }
    }
  }

  @Test
  void item26GlobalPaxHeaderMayNotRenameEveryEntry() throws Exception {
    byte[] renaming = new RawTar().pax('g', RawTar.paxRecords("path", "same")).file("a", "1").file("b", "2").end().bytes();
    try (Fixture f = new Fixture(work)) {
      refused(() -> f.rootfs(renaming), ROOTFS, "global PAX header sets 'path'");
    }
    // What git archive writes: a global header with a comment. Harmless and kept working.
    byte[] comment = new RawTar().pax('g', RawTar.paxRecords("comment", "0123abcd")).file("a", "1").end().bytes();
    try (Fixture f = new Fixture(work)) {
      f.rootfs(comment);
      assertEquals("1", f.content("a"));
    }
  }

  // ---- 27: the checks run on the name actually used

  @Test
  void item27PaxPathIsTheNameChecked() throws Exception {
    byte[] tar = new RawTar().paxLocal("path", "../x").file("harmless", "pwned").end().bytes();
    try (Fixture f = new Fixture(work)) {
      refused(() -> f.rootfs(tar), ROOTFS, "'../x'");
      assertEquals(List.of(), f.imagePaths());
    }
    byte[] absolute = new RawTar().paxLocal("path", "/etc/cron.d/x").file("harmless", "job").end().bytes();
    try (Fixture f = new Fixture(work)) {
      refused(() -> f.extract("opt/app", absolute), EXTRACT, "'/etc/cron.d/x'", "absolute");
      assertNull(f.node("opt/app/harmless"));
    }
  }

  @Test
  void item27PaxLinkpathIsTheTargetChecked() throws Exception {
    byte[] hardlink = new RawTar().file("etc/passwd", "p").paxLocal("linkpath", "../../etc/shadow")
        .hardlink("h", "etc/passwd").end().bytes();
    try (Fixture f = new Fixture(work)) {
      refused(() -> f.rootfs(hardlink), ROOTFS, "'h'", "../../etc/shadow");
      assertNull(f.node("h"));
    }
    byte[] symlink = new RawTar().paxLocal("linkpath", "/etc").symlink("lnk", "harmless").file("lnk/x", "job").end().bytes();
    try (Fixture f = new Fixture(work)) {
      refused(() -> f.extract("opt/app", symlink), EXTRACT, "'lnk/x'", "outside the destination");
      assertSymlink(f.node("opt/app/lnk"), "/etc");
    }
  }

  // ---- 28: sizes

  @Test
  void item28SizeNear2To63IsATruncationNotAnAllocation() throws Exception {
    byte[] tar = new RawTar().add(RawTar.header("big", '0').sizeBase256(Long.MAX_VALUE)).raw(new byte[4096]).bytes();
    try (Fixture f = new Fixture(work)) {
      refused(() -> f.rootfs(tar), ROOTFS, "'big'", "runcated");
      assertNull(f.node("big"));
    }
  }

  @Test
  void item28NegativeBase256SizeIsRefused() throws Exception {
    byte[] tar = new RawTar().file("before", "ok").add(RawTar.header("neg", '0').sizeBase256(-512)).raw(new byte[1024]).end().bytes();
    try (Fixture f = new Fixture(work)) {
      refused(() -> f.rootfs(tar), ROOTFS, "after entry 'before'", "negative size");
      assertNull(f.node("neg"));
    }
  }

  @Test
  void item28PaxSizesOutOfRangeAreRefused() throws Exception {
    for (String size : List.of("-1", "99999999999999999999", "1e9", " 5")) {
      byte[] tar = new RawTar().paxLocal("size", size).file("f", "x").end().bytes();
      try (Fixture f = new Fixture(work)) {
        refused(() -> f.rootfs(tar), ROOTFS);
        assertNull(f.node("f"), "size=" + size);
      }
    }
  }

  @Test
  void item28DataPastTheEndOfTheStreamIsRefused() throws Exception {
    byte[] tar = new RawTar().add(RawTar.header("cut", '0').size(1 << 20)).raw(new byte[100]).bytes();
    try (Fixture f = new Fixture(work)) {
      refused(() -> f.rootfs(tar), ROOTFS, "'cut'", "runcated");
    }
  }

  // ---- 29: sparse files

  @Test
  void item29SparseEntriesAreRefused() throws Exception {
    byte[] oldGnu = new RawTar().add(RawTar.header("s", 'S').size(0)).end().bytes();
    byte[] overflowingMap = new RawTar().paxLocal("GNU.sparse.map", "99999999999999999999999,1", "GNU.sparse.size", "10")
        .file("f", "x").end().bytes();
    byte[] negativeMap = new RawTar().paxLocal("GNU.sparse.map", "-5,10", "GNU.sparse.size", "10").file("f", "x").end().bytes();
    byte[] pax10 = new RawTar().paxLocal("GNU.sparse.major", "1", "GNU.sparse.minor", "0", "GNU.sparse.name", "f",
            "GNU.sparse.realsize", "10")
        .add(RawTar.header("GNUSparseFile.0/f", '0').size(512 + 10)).data(padded("1\n0\n10\n", 512 + 10)).end().bytes();
    for (byte[] tar : List.of(oldGnu, overflowingMap, negativeMap, pax10)) {
      try (Fixture f = new Fixture(work)) {
        String message = refused(() -> f.rootfs(tar), ROOTFS);
        assertTrue(message.contains("sparse") || message.contains("not a valid tar archive"), message);
        assertEquals(List.of(), f.imagePaths());
      }
    }
  }

  // ---- 31: cut-off and foreign streams

  @Test
  void item31StreamCutInsideAHeaderIsRefused() throws Exception {
    byte[] whole = new RawTar().file("a", "1").file("b", "2").end().bytes();
    byte[] cut = Arrays.copyOf(whole, 1024 + 300);
    try (Fixture f = new Fixture(work)) {
      refused(() -> f.rootfs(cut), ROOTFS, "end-of-archive marker", "after entry 'a'");
      assertNull(f.node("b"));
    }
  }

  @Test
  void item31MissingEndBlocksAreRefused() throws Exception {
    byte[] noEnd = new RawTar().file("a", "1").file("b", "2").bytes();
    try (Fixture f = new Fixture(work)) {
      refused(() -> f.rootfs(noEnd), ROOTFS, "end-of-archive marker", "after entry 'b'");
    }
    // One zero block is enough for GNU tar (it warns); it is accepted here too.
    byte[] loneZeroBlock = new RawTar().file("a", "1").raw(new byte[512]).bytes();
    try (Fixture f = new Fixture(work)) {
      f.rootfs(loneZeroBlock);
      assertEquals("1", f.content("a"));
    }
  }

  @Test
  void item31NotATarIsRefused() throws Exception {
    byte[] random = new byte[4096];
    new java.util.Random(7).nextBytes(random);
    List<byte[]> inputs = List.of(new byte[0], "just some text\n".getBytes(), random,
        "#!/bin/sh\necho hi\n".repeat(100).getBytes());
    for (byte[] notTar : inputs) {
      try (Fixture f = new Fixture(work)) {
        refused(() -> f.rootfs(notTar), ROOTFS, "tar archive");
        assertEquals(List.of(), f.imagePaths());
      }
    }
  }

  // ---- 35: names that are not UTF-8, NUL bytes

  @Test
  void item35InvalidUtf8InAnyNameSourceIsRefusedAndShownEscaped() throws Exception {
    byte[] bad = {'a', (byte) 0xff, 'b'};
    byte[] inUstar = new RawTar().add(RawTar.header(bad, '0')).end().bytes();
    byte[] inLongName = new RawTar().gnuLongName(bad).file("x", "").end().bytes();
    byte[] inPax = new RawTar().pax('x', RawTar.paxRecord("path", bad)).file("x", "").end().bytes();
    byte[] inLinkName = new RawTar().add(RawTar.header("l", '2').link(bad)).end().bytes();
    byte[] inPaxLinkpath = new RawTar().pax('x', RawTar.paxRecord("linkpath", bad)).symlink("l", "t").end().bytes();
    byte[] inLongLink = new RawTar().gnuLongLink(bad).symlink("l", "t").end().bytes();
    for (byte[] tar : List.of(inUstar, inLongName, inPax, inLinkName, inPaxLinkpath, inLongLink)) {
      try (Fixture f = new Fixture(work)) {
        refused(() -> f.rootfs(tar), ROOTFS, "not valid UTF-8", "a\\xffb");
        assertEquals(List.of(), f.imagePaths());
      }
    }
  }

  @Test
  void item35NulInsideALongNameOrPaxPathIsRefused() throws Exception {
    byte[] nul = {'a', 0, 'b'};
    byte[] inLongName = new RawTar().gnuLongName(nul).file("x", "").end().bytes();
    byte[] inPax = new RawTar().pax('x', RawTar.paxRecord("path", nul)).file("x", "").end().bytes();
    byte[] inPaxLinkpath = new RawTar().pax('x', RawTar.paxRecord("linkpath", nul)).symlink("l", "t").end().bytes();
    for (byte[] tar : List.of(inLongName, inPax, inPaxLinkpath)) {
      try (Fixture f = new Fixture(work)) {
        refused(() -> f.rootfs(tar), ROOTFS, "a\\x00b");
        assertEquals(List.of(), f.imagePaths());
      }
    }
  }

  @Test
  void item35ValidUtf8NamesAreKeptByteForByte() throws Exception {
    String name = "d\u00e9j\u00e0/\u65e5\u672c/\uD83D\uDE00";
    byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
    byte[] tar = new RawTar().add(RawTar.header(utf8, '0')).end().bytes();
    try (Fixture f = new Fixture(work)) {
      f.rootfs(tar);
      assertEquals("", f.content(name));
      TarArchiveEntry written = f.layerEntries().get(name);
      assertArrayEquals(utf8, written.getName().getBytes(StandardCharsets.UTF_8));
    }
  }

  private static byte[] padded(String s, int size) {
    return Arrays.copyOf(s.getBytes(StandardCharsets.US_ASCII), size);
  }
}

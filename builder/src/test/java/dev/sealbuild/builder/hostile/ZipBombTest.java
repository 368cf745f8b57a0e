package dev.sealbuild.builder.hostile;

import static dev.sealbuild.builder.hostile.Fixture.EPOCH;
import static dev.sealbuild.builder.hostile.Fixture.EXTRACT;
import static dev.sealbuild.builder.hostile.Fixture.OWNER;
import static dev.sealbuild.builder.hostile.Fixture.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.builder.archive.IngestPolicy;
import dev.sealbuild.builder.archive.ZipIngest;
import dev.sealbuild.builder.fs.EntryPath;
import dev.sealbuild.builder.fs.Meta;
import dev.sealbuild.formats.compress.DecompressionLimits;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Zip bombs meet the bounds a compressed tar stream meets (docs/security.md): the ratio cap after its floor per entry
 * and in total, and entries that share bytes or whose two headers disagree are refused before anything inflates.
 */
@Timeout(120)
class ZipBombTest {
  private static final long GIB = 1L << 30;
  @TempDir
  Path work;
  @TempDir
  Path archives;

  private void extract(Fixture f, Path zip, DecompressionLimits limits) throws IOException {
    EntryPath dest = EntryPath.parse("opt/app");
    f.tree.addDirectory(dest, new Meta(0755, OWNER, OWNER, EPOCH));
    new ZipIngest(f.spool, limits).ingest(zip, f.tree, IngestPolicy.extract(dest, OWNER, OWNER, EPOCH, EXTRACT));
  }

  /** A zip written to a file (so sizes sit in the local headers, no data descriptors), entries deflated. */
  private Path zip(String name, Entry... entries) throws IOException {
    Path p = archives.resolve(name);
    try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(p)) {
      out.setLevel(9);
      for (Entry e : entries) {
        ZipArchiveEntry z = new ZipArchiveEntry(e.name());
        z.setMethod(e.stored() ? ZipArchiveEntry.STORED : ZipArchiveEntry.DEFLATED);
        if (e.stored()) {
          java.util.zip.CRC32 crc = new java.util.zip.CRC32();
          crc.update(new byte[(int) e.zeros()]);
          z.setSize(e.zeros());
          z.setCrc(crc.getValue());
        }
        out.putArchiveEntry(z);
        writeZeros(out, e.zeros());
        out.closeArchiveEntry();
      }
    }
    return p;
  }

  private record Entry(String name, long zeros, boolean stored) {
    static Entry deflated(String name, long zeros) {
      return new Entry(name, zeros, false);
    }

    static Entry stored(String name, long zeros) {
      return new Entry(name, zeros, true);
    }
  }

  private static void writeZeros(OutputStream out, long n) throws IOException {
    byte[] zeros = new byte[1 << 20];
    for (long left = n; left > 0; left -= zeros.length) {
      out.write(zeros, 0, (int) Math.min(zeros.length, left));
    }
  }

  private long spooledBytes() throws IOException {
    try (Stream<Path> files = Files.list(work)) {
      return files.filter(p -> p.getFileName().toString().startsWith("spool")).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  @Test
  void oneMegabyteZipOfOneGibibyteOfZerosStopsAtTheRatioCap() throws Exception {
    Path bomb = zip("bomb.zip", Entry.deflated("zeros", GIB));
    assertTrue(Files.size(bomb) < (2 << 20), "the bomb is small on disk: " + Files.size(bomb));
    try (Fixture f = new Fixture(work)) {
      String message = refused(() -> extract(f, bomb, DecompressionLimits.DEFAULT), EXTRACT, "entry 'zeros'",
          "compression ratio above 250:1");
      assertEquals(EXTRACT + ": entry 'zeros': compression ratio above 250:1; refusing (possible decompression bomb)", message);
      assertNull(f.node("opt/app/zeros"));
      long spooled = spooledBytes();
      assertTrue(spooled <= (65L << 20), "stopped just past the 64 MiB floor, not at the GiB: spooled " + spooled);
    }
  }

  @Test
  void manySmallEntriesTripTheRatioCapInTotal() throws Exception {
    // Each entry stays under the floor alone; together they pass it at a bomb's ratio.
    Entry[] entries = new Entry[8];
    for (int i = 0; i < entries.length; i++) {
      entries[i] = Entry.deflated("part" + i, 1 << 20);
    }
    Path zip = zip("parts.zip", entries);
    DecompressionLimits limits = new DecompressionLimits(1L << 40, 250, 4 << 20, 64 * 1024, 27);
    try (Fixture f = new Fixture(work)) {
      String message = refused(() -> extract(f, zip, limits), EXTRACT);
      assertEquals(EXTRACT + ": compression ratio above 250:1; refusing (possible decompression bomb)", message);
    }
  }

  @Test
  void ordinaryZipWithinTheDefaultBoundsIsRead() throws Exception {
    Path zip = zip("ok.zip", Entry.deflated("a", 1000), Entry.stored("b", 10));
    try (Fixture f = new Fixture(work)) {
      extract(f, zip, DecompressionLimits.DEFAULT);
      assertEquals(1000, f.content("opt/app/a").length());
      assertEquals(10, f.content("opt/app/b").length());
    }
  }

  @Test
  void zipWithDataDescriptorsAsJavaWritesItIsRead() throws Exception {
    Path zip = archives.resolve("jdk.zip");
    try (java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
      for (String name : new String[] {"a.txt", "dir/b.txt"}) {
        out.putNextEntry(new java.util.zip.ZipEntry(name));
        out.write(("content of " + name).getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
      }
    }
    try (Fixture f = new Fixture(work)) {
      extract(f, zip, DecompressionLimits.DEFAULT);
      assertEquals("content of a.txt", f.content("opt/app/a.txt"));
      assertEquals("content of dir/b.txt", f.content("opt/app/dir/b.txt"));
    }
  }

  @Test
  void entriesSharingOneDeflateStreamAreRefusedNamingTheEntry() throws Exception {
    Path one = zip("one.zip", Entry.deflated("0", 1 << 20));
    Path shared = archives.resolve("shared.zip");
    Files.write(shared, withCentralRecordsFor(Files.readAllBytes(one), 8));
    assertTrue(Files.size(shared) < 4096, "small on disk: " + Files.size(shared));
    try (Fixture f = new Fixture(work)) {
      String message = refused(() -> extract(f, shared, DecompressionLimits.DEFAULT), EXTRACT, "entry '1'", "overlap", "entry '0'");
      assertEquals(EXTRACT + ": entry '1': its bytes overlap those of entry '0' (entries sharing one compressed stream: a zip bomb,"
          + " or a damaged archive)", message);
      assertNull(f.node("opt/app/0"), "nothing is unpacked from an archive refused as a whole");
    }
  }

  @Test
  void entryWhoseDataRunsIntoTheNextHeaderIsRefused() throws Exception {
    Path zip = zip("two.zip", Entry.stored("a", 100), Entry.stored("b", 100));
    patchCompressedSize(zip, "a", 150, true, true);
    try (Fixture f = new Fixture(work)) {
      refused(() -> extract(f, zip, DecompressionLimits.DEFAULT), EXTRACT, "entry 'b'", "overlap those of entry 'a'");
    }
  }

  @Test
  void centralDirectoryAndLocalHeaderMustAgree() throws Exception {
    Path renamed = zip("renamed.zip", Entry.deflated("a", 100));
    byte[] b = Files.readAllBytes(renamed);
    b[30] = 'z'; // the local header's name
    Files.write(renamed, b);
    try (Fixture f = new Fixture(work)) {
      refused(() -> extract(f, renamed, DecompressionLimits.DEFAULT), EXTRACT, "entry 'a'", "local header names it 'z'");
    }
    Path resized = zip("resized.zip", Entry.deflated("a", 100));
    patchCompressedSize(resized, "a", 3, true, false);
    try (Fixture f = new Fixture(work)) {
      refused(() -> extract(f, resized, DecompressionLimits.DEFAULT), EXTRACT, "entry 'a'",
          "its local header says compressed size 3, the central directory");
    }
    Path method = zip("method.zip", Entry.deflated("a", 100));
    byte[] m = Files.readAllBytes(method);
    m[8] = 0; // the local header's method: stored
    Files.write(method, m);
    try (Fixture f = new Fixture(work)) {
      refused(() -> extract(f, method, DecompressionLimits.DEFAULT), EXTRACT, "entry 'a'",
          "its local header says compression method 0, the central directory 8");
    }
  }

  /** The archive with its one central directory record repeated {@code copies} times, named "0", "1", ... */
  private static byte[] withCentralRecordsFor(byte[] zip, int copies) {
    ByteBuffer in = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
    int eocd = zip.length - 22;
    assertEquals(0x06054b50, in.getInt(eocd));
    int cdOffset = in.getInt(eocd + 16);
    int cdSize = in.getInt(eocd + 12);
    assertEquals(0x02014b50, in.getInt(cdOffset));
    assertEquals(1, in.getShort(cdOffset + 28));
    ByteBuffer out = ByteBuffer.allocate(cdOffset + cdSize * copies + 22).order(ByteOrder.LITTLE_ENDIAN);
    out.put(zip, 0, cdOffset);
    for (int i = 0; i < copies; i++) {
      int at = out.position();
      out.put(zip, cdOffset, cdSize);
      out.put(at + 46, (byte) ('0' + i));
    }
    out.put(zip, eocd, 22);
    out.putShort(out.capacity() - 22 + 8, (short) copies);
    out.putShort(out.capacity() - 22 + 10, (short) copies);
    out.putInt(out.capacity() - 22 + 12, cdSize * copies);
    return out.array();
  }

  /** Rewrites an entry's compressed size in its local header and/or its central directory record. */
  private static void patchCompressedSize(Path zip, String name, int size, boolean local, boolean central) throws IOException {
    byte[] b = Files.readAllBytes(zip);
    ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i + 46 < b.length; i++) {
      int sig = buf.getInt(i);
      if (local && sig == 0x04034b50 && buf.getShort(i + 26) == n.length && b[i + 30] == n[0]) {
        buf.putInt(i + 18, size);
      } else if (central && sig == 0x02014b50 && buf.getShort(i + 28) == n.length && b[i + 46] == n[0]) {
        buf.putInt(i + 20, size);
      }
    }
    Files.write(zip, b);
  }
}

package dev.sealbuild.builder.hostile;

import static dev.sealbuild.builder.hostile.Fixture.EPOCH;
import static dev.sealbuild.builder.hostile.Fixture.EXTRACT;
import static dev.sealbuild.builder.hostile.Fixture.OWNER;
import static dev.sealbuild.builder.hostile.Fixture.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.formats.compress.DecompressionLimits;
import dev.sealbuild.builder.archive.IngestPolicy;
import dev.sealbuild.builder.archive.ZipIngest;
import dev.sealbuild.builder.fs.EntryPath;
import dev.sealbuild.builder.fs.Meta;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The same rules for {@code files: extract} of a zip: confined to the destination, bounded in size. */
class ZipIngestTest {
  @TempDir
  Path work;
  @TempDir
  Path archives;

  /** Entries as name -> content; a name ending in '/' is a directory, "l -> t" a symlink. */
  private Path zip(String... entries) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(bytes)) {
      for (String spec : entries) {
        String[] link = spec.split(" -> ", 2);
        String[] file = spec.split("=", 2);
        ZipArchiveEntry e;
        byte[] data;
        if (link.length == 2) {
          e = new ZipArchiveEntry(link[0]);
          e.setUnixMode(0120777);
          data = link[1].getBytes(StandardCharsets.UTF_8);
        } else {
          e = new ZipArchiveEntry(file[0]);
          e.setUnixMode(file[0].endsWith("/") ? 040755 : 0100644);
          data = file.length == 2 ? file[1].getBytes(StandardCharsets.UTF_8) : new byte[0];
        }
        out.putArchiveEntry(e);
        out.write(data);
        out.closeArchiveEntry();
      }
    }
    Path p = Files.createTempFile(archives, "pinned", ".zip");
    Files.write(p, bytes.toByteArray());
    return p;
  }

  private void extract(Fixture f, Path zip, DecompressionLimits limits) throws IOException {
    EntryPath dest = EntryPath.parse("opt/app");
    f.tree.addDirectory(dest, new Meta(0755, OWNER, OWNER, EPOCH));
    new ZipIngest(f.spool, limits).ingest(zip, f.tree, IngestPolicy.extract(dest, OWNER, OWNER, EPOCH, EXTRACT));
  }

  @ParameterizedTest
  @ValueSource(strings = {"../evil", "a/../../evil", "/etc/x", ".wh.x", "d/.wh..wh..opq", ".wh.d/x"})
  void escapingAndWhiteoutNamesAreRefused(String name) throws Exception {
    Path zip = zip("ok=1", name + "=pwned");
    try (Fixture f = new Fixture(work)) {
      refused(() -> extract(f, zip, DecompressionLimits.DEFAULT), EXTRACT, "'" + name + "'");
      assertEquals(List.of("opt", "opt/app", "opt/app/ok"), f.imagePaths());
      f.assertHostUntouched();
    }
  }

  @Test
  void symlinkInTheZipCannotLeadEntriesOutOfTheDestination() throws Exception {
    Path zip = zip("lnk -> /etc", "lnk/cron.d/x=job");
    try (Fixture f = new Fixture(work)) {
      refused(() -> extract(f, zip, DecompressionLimits.DEFAULT), EXTRACT, "'lnk/cron.d/x'", "outside the destination");
      assertNull(f.node("etc"));
      Fixture.assertSymlink(f.node("opt/app/lnk"), "/etc");
    }
  }

  @Test
  void dotSlashDirectoryAndOrdinaryEntriesLandInTheDestination() throws Exception {
    Path zip = zip("./", "bin/", "bin/tool=#!", "bin/tool-link -> tool");
    try (Fixture f = new Fixture(work)) {
      extract(f, zip, DecompressionLimits.DEFAULT);
      assertEquals("#!", f.content("opt/app/bin/tool"));
      Fixture.assertSymlink(f.node("opt/app/bin/tool-link"), "tool");
      assertEquals(OWNER, f.node("opt/app/bin/tool").meta().uid());
    }
  }

  @Test
  void entryInflatingPastItsDeclaredSizeIsRefused() throws Exception {
    Path zip = zip("small=" + "A".repeat(100_000));
    patchUncompressedSize(zip, "small", 10);
    try (Fixture f = new Fixture(work)) {
      refused(() -> extract(f, zip, DecompressionLimits.DEFAULT), EXTRACT, "'small'", "more bytes than its declared size");
      assertNull(f.node("opt/app/small"));
    }
  }

  @Test
  void totalOverTheLimitIsRefused() throws Exception {
    String half = "z".repeat(600_000);
    Path zip = zip("a=" + half, "b=" + half, "c=" + half);
    DecompressionLimits oneMiB = new DecompressionLimits(1 << 20, 1000, 1 << 20, 1024, 20);
    try (Fixture f = new Fixture(work)) {
      refused(() -> extract(f, zip, oneMiB), EXTRACT, "decompresses to more than 1048576 bytes");
    }
    Path single = zip("big=" + "z".repeat(2 << 20));
    try (Fixture f = new Fixture(work)) {
      refused(() -> extract(f, single, oneMiB), EXTRACT, "'big'", "over the limit");
      assertNull(f.node("opt/app/big"));
    }
  }

  @Test
  void overlongSymlinkTargetIsRefused() throws Exception {
    Path zip = zip("l -> " + "t".repeat(5000));
    try (Fixture f = new Fixture(work)) {
      refused(() -> extract(f, zip, DecompressionLimits.DEFAULT), EXTRACT, "'l'", "longer than 4095 bytes");
    }
  }

  @Test
  void notAZipIsRefused() throws Exception {
    Path notZip = Files.write(archives.resolve("x.zip"), "plain text".getBytes());
    try (Fixture f = new Fixture(work)) {
      refused(() -> extract(f, notZip, DecompressionLimits.DEFAULT), EXTRACT);
      assertEquals(List.of("opt", "opt/app"), f.imagePaths());
    }
  }

  /** Rewrites an entry's uncompressed size in its local header and central directory record. */
  private static void patchUncompressedSize(Path zip, String name, int size) throws IOException {
    byte[] b = Files.readAllBytes(zip);
    ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    int patched = 0;
    for (int i = 0; i + 46 < b.length; i++) {
      int sig = buf.getInt(i);
      if (sig == 0x04034b50 && matches(b, i + 30, n) && buf.getShort(i + 26) == n.length) {
        buf.putInt(i + 22, size);
        patched++;
      } else if (sig == 0x02014b50 && matches(b, i + 46, n) && buf.getShort(i + 28) == n.length) {
        buf.putInt(i + 24, size);
        patched++;
      }
    }
    assertTrue(patched >= 1, "no header found for " + name);
    Files.write(zip, b);
  }

  private static boolean matches(byte[] b, int off, byte[] n) {
    if (off + n.length > b.length) {
      return false;
    }
    for (int i = 0; i < n.length; i++) {
      if (b[off + i] != n[i]) {
        return false;
      }
    }
    return true;
  }
}

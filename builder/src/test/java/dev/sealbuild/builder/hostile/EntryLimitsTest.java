package dev.sealbuild.builder.hostile;

import static dev.sealbuild.builder.hostile.Fixture.EPOCH;
import static dev.sealbuild.builder.hostile.Fixture.ROOTFS;
import static dev.sealbuild.builder.hostile.Fixture.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.builder.archive.IngestPolicy;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Checklist item 30: entry counts, nesting depth, name and component lengths end in a clean error. */
@Timeout(20)
class EntryLimitsTest {
  @TempDir
  Path work;

  /** A tar of {@code count} empty files, generated while it is read; counts the entries handed out. */
  static final class GeneratedTar extends InputStream {
    private final long count;
    private final LongFunction<String> name;
    private long produced;
    private byte[] block = new byte[0];
    private int pos;
    private int trailer = -1;

    GeneratedTar(long count, LongFunction<String> name) {
      this.count = count;
      this.name = name;
    }

    long produced() {
      return produced;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (pos == block.length) {
        if (produced < count) {
          block = RawTar.header(name.apply(produced++), '0').block();
        } else if (trailer < 0) {
          block = new byte[1024];
          trailer = 0;
        } else {
          return -1;
        }
        pos = 0;
      }
      int n = Math.min(len, block.length - pos);
      System.arraycopy(block, pos, b, off, n);
      pos += n;
      return n;
    }
  }

  @Test
  void aMillionEntriesStopAtTheImageLimit() throws Exception {
    GeneratedTar tar = new GeneratedTar(1_000_000, i -> String.format("f%07d", i));
    try (Fixture f = new Fixture(work, 1000)) {
      refused(() -> f.ingest(tar, IngestPolicy.rootfs(EPOCH, ROOTFS)), ROOTFS, "more than 1000 entries in the image");
    }
    assertTrue(tar.produced() <= 1001, "read " + tar.produced() + " entries");
  }

  @Test
  void repeatedNamesCountTowardsTheArchiveLimit() throws Exception {
    GeneratedTar tar = new GeneratedTar(1_000_000, i -> "same");
    try (Fixture f = new Fixture(work)) {
      refused(() -> f.ingest(tar, IngestPolicy.rootfs(EPOCH, ROOTFS).withMaxEntries(500)), ROOTFS, "more than 500 entries");
    }
    assertTrue(tar.produced() <= 501, "read " + tar.produced() + " entries");
    assertEquals(IngestPolicy.MAX_ENTRIES_PER_ARCHIVE, IngestPolicy.rootfs(EPOCH, ROOTFS).maxEntries());
  }

  @Test
  void tenThousandLevelsInOneNameAreRefused() throws Exception {
    String deep = "d/".repeat(10_000) + "x";
    byte[] tar = new RawTar().paxLocal("path", deep).file("short", "").end().bytes();
    try (Fixture f = new Fixture(work)) {
      String message = refused(() -> f.rootfs(tar), ROOTFS, "longer than 4096 bytes");
      assertTrue(message.length() < 1000, "the message quotes a bounded part of the name: " + message.length());
    }
    String levels = "d/".repeat(300) + "x";
    byte[] tooDeep = new RawTar().paxLocal("path", levels).file("short", "").end().bytes();
    try (Fixture f = new Fixture(work)) {
      refused(() -> f.rootfs(tooDeep), ROOTFS, "nested deeper than 256 levels");
    }
  }

  @Test
  void sixtyFourKiBNameIsRefused() throws Exception {
    byte[] tar = new RawTar().gnuLongName("n".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII)).file("short", "").end().bytes();
    try (Fixture f = new Fixture(work)) {
      refused(() -> f.rootfs(tar), ROOTFS, "longer than 4096 bytes");
      assertEquals(java.util.List.of(), f.imagePaths());
    }
  }

  @Test
  void componentOver255BytesIsRefused() throws Exception {
    byte[] tar = new RawTar().paxLocal("path", "dir/" + "c".repeat(256)).file("short", "").end().bytes();
    try (Fixture f = new Fixture(work)) {
      refused(() -> f.rootfs(tar), ROOTFS, "name component longer than 255 bytes");
    }
    // 255 bytes of UTF-8 is the most a component may take: 85 three-byte characters.
    String widest = "\u65e5".repeat(85);
    byte[] ok = new RawTar().paxLocal("path", "dir/" + widest).file("short", "fits").end().bytes();
    try (Fixture f = new Fixture(work)) {
      f.rootfs(ok);
      assertEquals("fits", f.content("dir/" + widest));
    }
    byte[] over = new RawTar().paxLocal("path", "dir/" + widest + "a").file("short", "").end().bytes();
    try (Fixture f = new Fixture(work)) {
      refused(() -> f.rootfs(over), ROOTFS, "longer than 255 bytes");
    }
  }

  @Test
  void symlinkTargetOver4095BytesIsRefused() throws Exception {
    byte[] tar = new RawTar().paxLocal("linkpath", "t".repeat(5000)).symlink("l", "short").end().bytes();
    try (Fixture f = new Fixture(work)) {
      refused(() -> f.rootfs(tar), ROOTFS, "'l'", "symlink target is not a valid path");
    }
  }
}

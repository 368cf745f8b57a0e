package dev.sealbuild.builder.hostile;

import static dev.sealbuild.builder.hostile.Fixture.EPOCH;
import static dev.sealbuild.builder.hostile.Fixture.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import dev.sealbuild.formats.compress.ArchiveFormat;
import dev.sealbuild.formats.compress.DecompressionLimits;
import dev.sealbuild.formats.compress.Decompressors;
import dev.sealbuild.builder.archive.IngestPolicy;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/**
 * Checklist items 22-24: bombs are stopped while streaming by the injected limits, oversized windows and
 * dictionaries are refused before the decoder allocates them, and exactly the declared decompressor runs.
 */
@Timeout(20)
class DecompressionBombTest {
  private static final String LABEL = "base rootfs bomb";
  private static final long HUNDRED_GIB = 100L << 30;
  @TempDir
  Path work;

  private static LazyCompressed.Compressor compressor(ArchiveFormat format) {
    return switch (format) {
      case TAR_GZIP -> sink -> new GZIPOutputStream(sink, 64 * 1024);
      case TAR_XZ -> sink -> new XZOutputStream(sink, new LZMA2Options(0));
      case TAR_ZSTD -> sink -> new ZstdOutputStreamNoFinalizer(sink, 3);
      default -> throw new IllegalArgumentException(format.toString());
    };
  }

  /** One tar entry claiming 100 GiB of zeros, as a lazily compressed stream. */
  private static LazyCompressed hundredGiBOfZeros(ArchiveFormat format) throws IOException {
    byte[] header = RawTar.header("zeros", '0').sizeBase256(HUNDRED_GIB).block();
    return LazyCompressed.of(compressor(format), header, HUNDRED_GIB);
  }

  private void ingest(Fixture f, InputStream raw, ArchiveFormat format, DecompressionLimits limits) throws IOException {
    InputStream tar = new Decompressors(limits).tarStream(raw, format, LABEL);
    f.ingest(tar, IngestPolicy.rootfs(EPOCH, LABEL));
  }

  @ParameterizedTest
  @EnumSource(value = ArchiveFormat.class, names = {"TAR_GZIP", "TAR_XZ", "TAR_ZSTD"})
  void item22BombStopsAtTheSizeLimit(ArchiveFormat format) throws Exception {
    DecompressionLimits limits = new DecompressionLimits(8L << 20, Long.MAX_VALUE / 2, Long.MAX_VALUE, 64 * 1024, 27);
    LazyCompressed bomb = hundredGiBOfZeros(format);
    try (Fixture f = new Fixture(work)) {
      refused(() -> ingest(f, bomb, format, limits), LABEL, "decompresses to more than " + (8L << 20) + " bytes");
      assertNull(f.node("zeros"));
    }
    assertTrue(bomb.served() < (1 << 20), "stopped after " + bomb.served() + " compressed bytes, not at the end of 100 GiB");
  }

  @ParameterizedTest
  @EnumSource(value = ArchiveFormat.class, names = {"TAR_GZIP", "TAR_XZ", "TAR_ZSTD"})
  void item22BombStopsAtTheRatioLimit(ArchiveFormat format) throws Exception {
    DecompressionLimits limits = new DecompressionLimits(1L << 40, 50, 1 << 20, 64 * 1024, 27);
    LazyCompressed bomb = hundredGiBOfZeros(format);
    try (Fixture f = new Fixture(work)) {
      refused(() -> ingest(f, bomb, format, limits), LABEL, "compression ratio above 50:1");
    }
    assertTrue(bomb.served() < (1 << 20), "stopped after " + bomb.served() + " compressed bytes");
  }

  @ParameterizedTest
  @EnumSource(value = ArchiveFormat.class, names = {"TAR_GZIP", "TAR_XZ", "TAR_ZSTD"})
  void ordinaryArchiveWithinTheSameLimitsIsRead(ArchiveFormat format) throws Exception {
    byte[] random = new byte[2 << 20];
    new Random(42).nextBytes(random);
    ByteArrayOutputStream plain = new ByteArrayOutputStream();
    plain.writeBytes(RawTar.header("blob", '0').size(random.length).block());
    plain.writeBytes(random);
    plain.writeBytes(new byte[1024]);
    byte[] compressed = compress(format, plain.toByteArray());
    DecompressionLimits limits = new DecompressionLimits(8L << 20, 50, 1 << 20, 64 * 1024, 27);
    try (Fixture f = new Fixture(work)) {
      ingest(f, new ByteArrayInputStream(compressed), format, limits);
      assertEquals(random.length, ((dev.sealbuild.builder.fs.Node.RegularFile) f.node("blob")).content().size());
    }
  }

  @Test
  void item23ZstdFrameAskingForA2GiBWindowIsRefusedWithTheDefaultLimits() throws Exception {
    byte[] tar = new RawTar().file("hello", "world").end().bytes();
    try (Fixture f = new Fixture(work)) {
      refused(() -> ingest(f, new ByteArrayInputStream(zstdRawFrame(tar, 31)), ArchiveFormat.TAR_ZSTD, DecompressionLimits.DEFAULT),
          LABEL, "the zstd frame asks for a window larger than the 128 MiB limit");
      assertNull(f.node("hello"));
    }
    try (Fixture f = new Fixture(work)) {
      // The same frame with a 1 MiB window is fine: it is the window, not the frame, that is refused.
      ingest(f, new ByteArrayInputStream(zstdRawFrame(tar, 20)), ArchiveFormat.TAR_ZSTD, DecompressionLimits.DEFAULT);
      assertEquals("world", f.content("hello"));
    }
  }

  @Test
  void xzDictionaryOver256MiBIsRefusedWithTheDefaultLimits() throws Exception {
    // Code 36 asks for a 1 GiB dictionary (the decoder would allocate it), over the default 256 MiB limit.
    byte[] tar = new RawTar().file("hello", "world").end().bytes();
    byte[] xz = compress(ArchiveFormat.TAR_XZ, tar);
    try (Fixture f = new Fixture(work)) {
      refused(() -> ingest(f, new ByteArrayInputStream(withXzDictionary(xz, 36)), ArchiveFormat.TAR_XZ, DecompressionLimits.DEFAULT),
          LABEL, "the xz stream needs 1048680 KiB of memory to decode, over the 262144 KiB limit");
      assertNull(f.node("hello"));
    }
    try (Fixture f = new Fixture(work)) {
      ingest(f, new ByteArrayInputStream(withXzDictionary(xz, 20)), ArchiveFormat.TAR_XZ, DecompressionLimits.DEFAULT);
      assertEquals("world", f.content("hello"));
    }
  }

  @Test
  void oversizedGzipFileNameIsRefusedWithoutReadingItIntoMemory() throws Exception {
    byte[] header = {0x1f, (byte) 0x8b, 8, 0x08 /* FNAME */, 0, 0, 0, 0, 0, (byte) 255};
    long[] served = {0};
    InputStream endlessName = new InputStream() {
      @Override
      public int read() {
        long i = served[0]++;
        return i < header.length ? header[(int) i] & 0xff : 'a';
      }

      @Override
      public int read(byte[] b, int off, int len) {
        for (int i = 0; i < len; i++) {
          b[off + i] = (byte) read();
        }
        return len;
      }
    };
    refused(() -> new Decompressors(DecompressionLimits.DEFAULT).tarStream(endlessName, ArchiveFormat.TAR_GZIP, LABEL),
        LABEL, "without any output");
    assertTrue(served[0] < (2 << 20), "read " + served[0] + " bytes of the gzip header");
  }

  @Test
  void item24GzipInsideGzipIsDecompressedOnceAndRefused() throws Exception {
    byte[] tar = new RawTar().file("inner", "should not appear").end().bytes();
    byte[] twice = compress(ArchiveFormat.TAR_GZIP, compress(ArchiveFormat.TAR_GZIP, tar));
    try (Fixture f = new Fixture(work)) {
      refused(() -> ingest(f, new ByteArrayInputStream(twice), ArchiveFormat.TAR_GZIP, DecompressionLimits.DEFAULT),
          LABEL, "tar archive");
      assertNull(f.node("inner"));
    }
  }

  @Test
  void item24OnlyTheDeclaredDecompressorRuns() throws Exception {
    byte[] tar = new RawTar().file("inner", "x").end().bytes();
    byte[] gz = compress(ArchiveFormat.TAR_GZIP, tar);
    for (ArchiveFormat declared : new ArchiveFormat[] {ArchiveFormat.TAR, ArchiveFormat.TAR_XZ, ArchiveFormat.TAR_ZSTD}) {
      try (Fixture f = new Fixture(work)) {
        String message = refused(() -> ingest(f, new ByteArrayInputStream(gz), declared, DecompressionLimits.DEFAULT), LABEL);
        assertTrue(message.contains("not a valid") || message.contains("not a tar archive"), message);
        assertNull(f.node("inner"), "gzip bytes declared as " + declared + " must not be recognised");
      }
    }
  }

  @Test
  void item24SecondGzipMemberIsNotDecoded() throws Exception {
    byte[] first = compress(ArchiveFormat.TAR_GZIP, new RawTar().file("first", "1").end().bytes());
    byte[] second = compress(ArchiveFormat.TAR_GZIP, new RawTar().file("second", "2").end().bytes());
    ByteArrayOutputStream both = new ByteArrayOutputStream();
    both.writeBytes(first);
    both.writeBytes(second);
    try (Fixture f = new Fixture(work)) {
      ingest(f, new ByteArrayInputStream(both.toByteArray()), ArchiveFormat.TAR_GZIP, DecompressionLimits.DEFAULT);
      assertEquals("1", f.content("first"));
      assertNull(f.node("second"));
    }
  }

  static byte[] compress(ArchiveFormat format, byte[] plain) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream c = compressor(format).wrap(out)) {
      c.write(plain);
    }
    return out.toByteArray();
  }

  /**
   * A zstd frame written by hand: no content size, a window descriptor for 2^windowLog bytes, the data in raw
   * blocks. No encoder writes a 2 GiB window for a few bytes, a hostile one does.
   */
  static byte[] zstdRawFrame(byte[] data, int windowLog) {
    ByteArrayOutputStream f = new ByteArrayOutputStream();
    f.writeBytes(new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd});
    f.write(0x00); // frame header descriptor: no checksum, no dictionary, not single-segment, no content size
    f.write((windowLog - 10) << 3); // window descriptor: exponent, mantissa 0
    int maxBlock = 128 * 1024;
    for (int off = 0; off < data.length || off == 0; off += maxBlock) {
      int n = Math.min(maxBlock, data.length - off);
      boolean last = off + n >= data.length;
      int blockHeader = (n << 3) | (last ? 1 : 0); // block type 0 = raw
      f.write(blockHeader & 0xff);
      f.write((blockHeader >> 8) & 0xff);
      f.write((blockHeader >> 16) & 0xff);
      f.write(data, off, n);
      if (last) {
        break;
      }
    }
    return f.toByteArray();
  }

  /**
   * The same xz stream with another LZMA2 dictionary size in its first block header (its CRC32 fixed up):
   * dictionary = 2^(code/2 + 12) for even codes.
   */
  static byte[] withXzDictionary(byte[] xz, int code) {
    byte[] b = xz.clone();
    int block = 12; // after the stream header
    // Header of 12 bytes: size, flags (1 filter, no sizes), LZMA2 filter id 0x21, 1 property byte, padding, CRC32.
    assertEquals(2, b[block]);
    assertEquals(0, b[block + 1]);
    assertEquals(0x21, b[block + 2]);
    assertEquals(1, b[block + 3]);
    b[block + 4] = (byte) code;
    CRC32 crc = new CRC32();
    crc.update(b, block, 8);
    long v = crc.getValue();
    for (int i = 0; i < 4; i++) {
      b[block + 8 + i] = (byte) (v >> (8 * i));
    }
    return b;
  }
}

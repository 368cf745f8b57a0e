package dev.sealbuild.formats.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.formats.HostileInputException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** The one decompressor table: by declared compression or file name, with the same bounds everywhere. */
class DecompressorsTest {
  private static final DecompressionLimits SMALL = new DecompressionLimits(1 << 20, 50, 64 * 1024, 64 * 1024, 20);

  private static byte[] gzip(byte[] data) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    }
    return out.toByteArray();
  }

  @Test
  void theDeclaredCompressionIsDecoded() throws Exception {
    byte[] data = "hello".getBytes();
    try (InputStream in = new Decompressors(SMALL).open(Compression.GZIP, new ByteArrayInputStream(gzip(data)), "blob")) {
      assertArrayEquals(data, in.readAllBytes());
    }
    try (InputStream in = new Decompressors(SMALL).open(Compression.NONE, new ByteArrayInputStream(data), "blob")) {
      assertArrayEquals(data, in.readAllBytes());
    }
  }

  @Test
  void aBombIsStoppedAtTheRatioLimitWhileStreaming() throws Exception {
    byte[] bomb = gzip(new byte[4 << 20]);
    InputStream in = new Decompressors(SMALL).open(Compression.GZIP, new ByteArrayInputStream(bomb), "layer 1");
    HostileInputException e = assertThrows(HostileInputException.class, in::readAllBytes);
    assertTrue(e.getMessage().startsWith("layer 1: "), e.getMessage());
    assertTrue(e.getMessage().contains("possible decompression bomb"), e.getMessage());
  }

  @Test
  void bytesThatAreNotTheDeclaredCompressionAreRefusedNamingIt() {
    HostileInputException e = assertThrows(HostileInputException.class, () -> new Decompressors(SMALL)
        .open(Compression.XZ, new ByteArrayInputStream("plain text".getBytes()), "Packages.xz"));
    assertTrue(e.getMessage().startsWith("Packages.xz: not a valid xz stream"), e.getMessage());
  }

  @Test
  void theFileNameDeclaresTheArchiveFormat() {
    assertEquals(ArchiveFormat.TAR_GZIP, ArchiveFormat.fromName("rootfs.tar.gz?x=1"));
    assertEquals(Compression.XZ, ArchiveFormat.fromName("ROOTFS.TXZ").compression());
    assertEquals(Compression.ZSTD, ArchiveFormat.fromName("a.tar.zst").compression());
    assertEquals(Compression.NONE, ArchiveFormat.fromName("a.tar").compression());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ArchiveFormat.fromName("a.rar"));
    assertTrue(e.getMessage().startsWith("cannot tell the archive type of 'a.rar'"), e.getMessage());
  }
}

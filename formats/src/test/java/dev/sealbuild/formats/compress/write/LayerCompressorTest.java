package dev.sealbuild.formats.compress.write;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import dev.sealbuild.formats.compress.Compression;
import dev.sealbuild.formats.digest.Sha256;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LayerCompressorTest {
  /** These pin libzstd's output at level 3 with workers: a zstd-jni upgrade that changes them must change identity(). */
  @Test
  void zstdGoldenDigestsPinTheOutput() throws IOException {
    assertEquals("f96deff1816083fdff8bc3e46c3fe6ca46a6bb49f4d5a00627616c13237a512c", Sha256.hash(compress(LayerCompressor.zstd(1), TestInputs.EMPTY, 1 << 20)).hex());
    assertEquals("b755dba87753504f6b9ba521bdcbc53d8fcb4d0727cf9863e7c0add4aace10c9", Sha256.hash(compress(LayerCompressor.zstd(1), TestInputs.SMALL, 1 << 20)).hex());
    assertEquals("b9c662244a59d9daf58f7adb5c5c98858904123d6973713e0db1dfe0028715fe", Sha256.hash(compress(LayerCompressor.zstd(1), TestInputs.LARGE, 1 << 20)).hex());
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 4})
  void zstdGivesTheSameBytesForAnyWorkerCountAndChunking(int workers) throws IOException {
    byte[] big = TestInputs.mixed(3, 40 * 1024 * 1024 + 3);
    byte[] expected = compress(LayerCompressor.zstd(1), big, 1 << 20);
    assertArrayEquals(expected, compress(LayerCompressor.zstd(workers), big, 1 << 20), workers + " workers");
    assertArrayEquals(expected, compress(LayerCompressor.zstd(workers), big, 4093), workers + " workers, small writes");
  }

  @Test
  void zstdWithWorkersIsNotTheSingleThreadedOutput() throws IOException {
    // why the writer never runs libzstd with zero workers: its bytes differ once a job is cut
    byte[] big = TestInputs.mixed(3, 40 * 1024 * 1024 + 3);
    ByteArrayOutputStream single = new ByteArrayOutputStream();
    try (ZstdOutputStreamNoFinalizer zstd = new ZstdOutputStreamNoFinalizer(single, ZstdLayerCompressor.LEVEL)) {
      zstd.setChecksum(true);
      zstd.write(big);
    }
    assertNotEquals(Sha256.hash(single.toByteArray()), Sha256.hash(compress(LayerCompressor.zstd(2), big, 1 << 20)));
  }

  @Test
  void bothRoundTrip() throws IOException {
    for (byte[] input : new byte[][] {TestInputs.EMPTY, TestInputs.SMALL, TestInputs.LARGE}) {
      try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(compress(LayerCompressor.gzip(2), input, 5000)))) {
        assertArrayEquals(input, in.readAllBytes());
      }
      try (InputStream in = new ZstdInputStream(new ByteArrayInputStream(compress(LayerCompressor.zstd(2), input, 5000)))) {
        assertArrayEquals(input, in.readAllBytes());
      }
    }
  }

  @Test
  void identityNamesAlgorithmAndBlockSize() {
    String gzip = LayerCompressor.gzip(3).identity();
    assertEquals("gzip sealbuild-deflate/2 lazy block131072", gzip);
    assertEquals(gzip, LayerCompressor.gzip(1).identity(), "thread count does not change the bytes");
    assertNotEquals(gzip, new GzipLayerCompressor(1, 256 * 1024).identity());
    String zstd = LayerCompressor.zstd(2).identity();
    assertTrue(zstd.matches("zstd zstd-jni-[0-9][^ ]* level3 workers"), zstd);
    assertEquals(Compression.GZIP, LayerCompressor.of(Compression.GZIP, 1).compression());
    assertEquals(Compression.ZSTD, LayerCompressor.of(Compression.ZSTD, 1).compression());
  }

  static byte[] compress(LayerCompressor compressor, byte[] input, int chunk) throws IOException {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (OutputStream out = compressor.open(sink)) {
      for (int at = 0; at < input.length; at += chunk) {
        out.write(input, at, Math.min(chunk, input.length - at));
        out.flush();
      }
    }
    return sink.toByteArray();
  }
}

package dev.sealbuild.builder.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.ZstdInputStream;
import dev.sealbuild.formats.compress.write.LayerCompressor;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.oci.MediaType;
import dev.sealbuild.testsupport.Requirements;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same tree gives the same layer for any thread count, in the media type its compression names, readable by the real tools. */
class LayerWriterCompressionTest {
  @TempDir Path work;

  @Test
  void gzipAndZstdLayersHoldTheSameTarUnderTheirOwnMediaTypes() throws IOException {
    try (SampleLayer sample = new SampleLayer(work.resolve("spool"), 60, 50_000)) {
      LayerBlob gzip = sample.write(new LayerWriter(SampleLayer.EPOCH, LayerCompressor.gzip(2)), work.resolve("g"));
      LayerBlob zstd = sample.write(new LayerWriter(SampleLayer.EPOCH, LayerCompressor.zstd(2)), work.resolve("z"));
      assertEquals(MediaType.OCI_LAYER_GZIP.toString(), gzip.mediaType());
      assertEquals(MediaType.OCI_LAYER_ZSTD.toString(), zstd.mediaType());
      assertEquals(gzip.diffId(), zstd.diffId(), "the same tar inside");
      assertNotEquals(gzip.digest(), zstd.digest());
      assertEquals(Sha256.hash(work.resolve("g")), gzip.digest());
      assertEquals(Files.size(work.resolve("z")), zstd.size());
      try (InputStream in = new GZIPInputStream(Files.newInputStream(work.resolve("g")))) {
        assertEquals(gzip.diffId(), Sha256.hash(in.readAllBytes()));
      }
      try (InputStream in = new ZstdInputStream(Files.newInputStream(work.resolve("z")))) {
        assertEquals(zstd.diffId(), Sha256.hash(in.readAllBytes()));
      }
    }
  }

  @Test
  void theSameLayerBytesForOneTwoOrEightThreads() throws IOException {
    try (SampleLayer sample = new SampleLayer(work.resolve("spool"), 60, 50_000)) {
      for (boolean zstd : new boolean[] {false, true}) {
        byte[] first = null;
        for (int threads : new int[] {1, 2, 8}) {
          Path file = work.resolve((zstd ? "z" : "g") + threads);
          sample.write(new LayerWriter(SampleLayer.EPOCH, zstd ? LayerCompressor.zstd(threads) : LayerCompressor.gzip(threads)), file);
          byte[] bytes = Files.readAllBytes(file);
          if (first == null) {
            first = bytes;
          } else {
            assertArrayEquals(first, bytes, (zstd ? "zstd" : "gzip") + " with " + threads + " threads");
          }
        }
      }
    }
  }

  @Test
  void theRealToolsAcceptTheLayersAndGiveBackTheTar() throws Exception {
    Requirements.requireTools("gzip", "pigz", "zstd");
    try (SampleLayer sample = new SampleLayer(work.resolve("spool"), 60, 50_000)) {
      LayerBlob gzip = sample.write(new LayerWriter(SampleLayer.EPOCH, LayerCompressor.gzip(2)), work.resolve("layer.tar.gz"));
      LayerBlob zstd = sample.write(new LayerWriter(SampleLayer.EPOCH, LayerCompressor.zstd(2)), work.resolve("layer.tar.zst"));
      run("gzip", "-t", "layer.tar.gz");
      run("pigz", "-t", "layer.tar.gz");
      run("zstd", "-q", "-t", "layer.tar.zst");
      run("sh", "-c", "gzip -dc layer.tar.gz > from-gzip.tar && zstd -q -dc layer.tar.zst > from-zstd.tar");
      assertEquals(gzip.diffId(), Sha256.hash(work.resolve("from-gzip.tar")));
      assertEquals(zstd.diffId(), Sha256.hash(work.resolve("from-zstd.tar")));
    }
  }

  @Test
  void identityChangesWithWhatTheBytesDependOn() {
    String gzip = new LayerWriter(0, LayerCompressor.gzip(1)).identity();
    assertEquals(gzip, new LayerWriter(99, LayerCompressor.gzip(8)).identity(), "epoch and threads are inputs, not the writer");
    assertEquals("layer-writer/2 gzip sealbuild-deflate/2 lazy block131072", gzip);
    String zstd = new LayerWriter(0, LayerCompressor.zstd(1)).identity();
    assertTrue(zstd.startsWith("layer-writer/2 zstd zstd-jni-"), zstd);
  }

  private void run(String... command) throws Exception {
    Process p = new ProcessBuilder(List.of(command)).directory(work.toFile()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(2, TimeUnit.MINUTES), String.join(" ", command) + " timed out");
    assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + output);
  }
}

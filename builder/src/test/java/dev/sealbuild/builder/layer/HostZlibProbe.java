package dev.sealbuild.builder.layer;

import dev.sealbuild.formats.compress.write.LayerCompressor;
import dev.sealbuild.formats.digest.Sha256;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;

/**
 * Run by {@link HostZlibTest} in a child JVM (with and without a different libz preloaded): writes the sample layer
 * with sealbuild's gzip and zstd writers and deflates its tar with the JDK's own {@link Deflater} (the host's libz
 * on Debian's JDK), printing each digest on a line {@code NAME HEX}.
 */
public final class HostZlibProbe {
  private HostZlibProbe() {}

  public static void main(String[] args) throws Exception {
    Path work = Path.of(args[0]);
    try (SampleLayer sample = new SampleLayer(work.resolve("spool"), 60, 50_000)) {
      LayerBlob gzip = sample.write(new LayerWriter(SampleLayer.EPOCH, LayerCompressor.gzip(2)), work.resolve("layer.tar.gz"));
      LayerBlob zstd = sample.write(new LayerWriter(SampleLayer.EPOCH, LayerCompressor.zstd(2)), work.resolve("layer.tar.zst"));
      byte[] tar;
      try (InputStream in = new GZIPInputStream(Files.newInputStream(gzip.file()))) {
        tar = in.readAllBytes();
      }
      System.out.println("gzip-layer " + gzip.digest().hex());
      System.out.println("zstd-layer " + zstd.digest().hex());
      System.out.println("diff-id " + gzip.diffId().hex());
      System.out.println("jdk-deflater " + jdkDeflate(tar).hex());
    }
  }

  private static Sha256 jdkDeflate(byte[] input) {
    Deflater deflater = new Deflater(6, true);
    try {
      deflater.setInput(input);
      deflater.finish();
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      byte[] buffer = new byte[64 * 1024];
      while (!deflater.finished()) {
        out.write(buffer, 0, deflater.deflate(buffer));
      }
      return Sha256.hash(out.toByteArray());
    } finally {
      deflater.end();
    }
  }
}

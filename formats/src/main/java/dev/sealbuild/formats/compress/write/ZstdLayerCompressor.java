package dev.sealbuild.formats.compress.write;

import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import dev.sealbuild.formats.compress.Compression;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * zstd layers by the libzstd that zstd-jni bundles, level 3, with a content checksum as the zstd tool writes. Always
 * at least one worker: libzstd's multi-threaded output does not depend on the number of workers, but differs from
 * its single-threaded (zero workers) output. A flush would end a zstd block early, so flush is ignored.
 */
record ZstdLayerCompressor(int threads) implements LayerCompressor {
  static final int LEVEL = 3;

  ZstdLayerCompressor {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
  }

  @Override
  public Compression compression() {
    return Compression.ZSTD;
  }

  @Override
  public String identity() {
    return "zstd zstd-jni-" + LibraryVersions.of("zstd-jni") + " level" + LEVEL + " workers";
  }

  @Override
  public OutputStream open(OutputStream out) throws IOException {
    ZstdOutputStreamNoFinalizer zstd = new ZstdOutputStreamNoFinalizer(out, LEVEL);
    try {
      zstd.setWorkers(threads);
      zstd.setChecksum(true);
    } catch (IOException | RuntimeException e) {
      zstd.close();
      throw e;
    }
    return new FilterOutputStream(zstd) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        zstd.write(b, off, len);
      }

      @Override
      public void flush() {
        // a zstd flush ends a block: the bytes would depend on when the caller flushes
      }

      @Override
      public void close() throws IOException {
        zstd.close();
      }
    };
  }
}

package dev.sealbuild.formats.compress.write;

import dev.sealbuild.formats.compress.Compression;
import java.io.IOException;
import java.io.OutputStream;

/**
 * How a layer's tar is compressed: the same input gives the same bytes on every host, JDK and thread count.
 * {@link #identity} names everything those bytes depend on, so a cache keyed on it never serves stale blobs.
 */
public sealed interface LayerCompressor permits GzipLayerCompressor, ZstdLayerCompressor {
  /** The compression a layer written by this has (its media type follows from it). */
  Compression compression();

  /** Changes whenever the bytes for the same input could change (algorithm, library version, level, block size). */
  String identity();

  /**
   * A stream that compresses into {@code out}; closing it finishes the stream, closes {@code out} and stops its
   * threads. {@code flush()} never changes the bytes written.
   */
  OutputStream open(OutputStream out) throws IOException;

  /** gzip (pigz-style parallel deflate by sealbuild's own encoder) on {@code threads} threads. */
  static LayerCompressor gzip(int threads) {
    return new GzipLayerCompressor(threads, ParallelGzipOutputStream.DEFAULT_BLOCK_SIZE);
  }

  /** zstd (the bundled libzstd, level 3) with {@code threads} workers. */
  static LayerCompressor zstd(int threads) {
    return new ZstdLayerCompressor(threads);
  }

  /** The compressor for {@code compression} (gzip or zstd) on {@code threads} threads. */
  static LayerCompressor of(Compression compression, int threads) {
    return switch (compression) {
      case GZIP -> gzip(threads);
      case ZSTD -> zstd(threads);
      case NONE, XZ -> throw new IllegalArgumentException("layers are written gzip- or zstd-compressed, not " + compression);
    };
  }

  /** One thread per available processor. */
  static int defaultThreads() {
    return Runtime.getRuntime().availableProcessors();
  }
}

package dev.sealbuild.builder.archive;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.tukaani.xz.XZInputStream;

/** Builds exactly the decompressor the declared format names, bounded by {@link DecompressionLimits}. */
public final class Decompressors {
  private final DecompressionLimits limits;

  public Decompressors(DecompressionLimits limits) {
    this.limits = limits;
  }

  /** Wraps the raw archive bytes for reading its tar stream. */
  public InputStream tarStream(InputStream raw, ArchiveFormat format, String what) throws IOException {
    CountingInputStream counted = new CountingInputStream(raw);
    InputStream decompressed = switch (format) {
      case TAR -> counted;
      // Members are decoded as gzip(1) does; the buffer gives the decoder a mark/reset of its own so
      // it can hand back what it read past a member's end without reading the source twice.
      case TAR_GZIP -> new GzipCompressorInputStream(new BufferedInputStream(counted, 64 * 1024), true);
      case TAR_XZ -> new XZInputStream(counted, limits.xzMemoryLimitKiB());
      case TAR_ZSTD -> {
        ZstdInputStreamNoFinalizer z = new ZstdInputStreamNoFinalizer(counted);
        z.setLongMax(limits.zstdWindowLogMax());
        yield z;
      }
      case ZIP -> throw new IllegalArgumentException("zip is not a tar stream");
    };
    return format == ArchiveFormat.TAR ? decompressed : new LimitedInputStream(decompressed, counted, limits, what);
  }
}

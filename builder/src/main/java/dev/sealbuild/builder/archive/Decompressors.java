package dev.sealbuild.builder.archive;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
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
      // One gzip member only: a concatenated second member is not silently decoded.
      case TAR_GZIP -> new GzipCompressorInputStream(counted, false);
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

package dev.sealbuild.builder.archive;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import dev.sealbuild.builder.fs.HostileInputException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.tukaani.xz.XZInputStream;

/** Builds exactly the decompressor the declared format names, bounded by {@link DecompressionLimits}. */
public final class Decompressors {
  /** Compressed bytes a decompressor may read before its first output: real headers are far smaller. */
  static final long MAX_INPUT_BEFORE_OUTPUT = 1 << 20;
  private final DecompressionLimits limits;

  public Decompressors(DecompressionLimits limits) {
    this.limits = limits;
  }

  public DecompressionLimits limits() {
    return limits;
  }

  /** Wraps the raw archive bytes for reading its tar stream. */
  public InputStream tarStream(InputStream raw, ArchiveFormat format, String what) throws IOException {
    CountingInputStream counted = format == ArchiveFormat.TAR ? new CountingInputStream(raw)
        : new CountingInputStream(raw, MAX_INPUT_BEFORE_OUTPUT, what);
    InputStream decompressed;
    try {
      decompressed = open(counted, format);
    } catch (IOException e) {
      // gzip and xz read their stream header right here; say which archive is not what it claims to be.
      throw new HostileInputException(what + ": not a valid " + format.name().toLowerCase(Locale.ROOT).replace('_', '.')
          + " stream (" + e.getMessage() + ")");
    }
    return format == ArchiveFormat.TAR ? decompressed : new LimitedInputStream(decompressed, counted, limits, what);
  }

  private InputStream open(CountingInputStream counted, ArchiveFormat format) throws IOException {
    return switch (format) {
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
  }
}

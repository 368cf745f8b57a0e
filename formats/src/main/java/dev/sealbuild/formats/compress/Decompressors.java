package dev.sealbuild.formats.compress;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import dev.sealbuild.formats.HostileInputException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * The one decompressor table: builds exactly the decompressor a declared {@link Compression} (from a media type or a
 * file name) names, never guessing from the bytes and never recursing, bounded by {@link DecompressionLimits}.
 */
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
    if (format == ArchiveFormat.ZIP) {
      throw new IllegalArgumentException("zip is not a tar stream");
    }
    return open(format.compression(), raw, what, format.name().toLowerCase(Locale.ROOT).replace('_', '.'));
  }

  /**
   * Wraps {@code raw} in the decompressor {@code compression} declares, stopped at the size and ratio limits while
   * it streams; {@link Compression#NONE} returns the bytes as they are. Errors name {@code what}.
   */
  public InputStream open(Compression compression, InputStream raw, String what) throws IOException {
    return open(compression, raw, what, compression.name().toLowerCase(Locale.ROOT));
  }

  private InputStream open(Compression compression, InputStream raw, String what, String streamName) throws IOException {
    if (compression == Compression.NONE) {
      return raw;
    }
    CountingInputStream counted = new CountingInputStream(raw, MAX_INPUT_BEFORE_OUTPUT, what);
    InputStream decompressed;
    try {
      decompressed = decoder(counted, compression);
    } catch (IOException e) {
      // gzip and xz read their stream header right here; say which archive is not what it claims to be.
      throw new HostileInputException(what + ": not a valid " + streamName + " stream (" + e.getMessage() + ")");
    }
    return new LimitedInputStream(decompressed, counted, limits, what);
  }

  private InputStream decoder(CountingInputStream counted, Compression compression) throws IOException {
    return switch (compression) {
      case NONE -> counted;
      // Members are decoded as gzip(1) does; the buffer gives the decoder a mark/reset of its own so
      // it can hand back what it read past a member's end without reading the source twice.
      case GZIP -> new GzipCompressorInputStream(new BufferedInputStream(counted, 64 * 1024), true);
      case XZ -> new XZInputStream(counted, limits.xzMemoryLimitKiB());
      case ZSTD -> {
        ZstdInputStreamNoFinalizer z = new ZstdInputStreamNoFinalizer(counted);
        z.setLongMax(limits.zstdWindowLogMax());
        yield z;
      }
    };
  }
}

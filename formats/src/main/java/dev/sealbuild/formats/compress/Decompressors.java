package dev.sealbuild.formats.compress;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdIOException;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import dev.sealbuild.formats.io.Printable;
import dev.sealbuild.formats.HostileInputException;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.tukaani.xz.BasicArrayCache;
import org.tukaani.xz.MemoryLimitException;
import org.tukaani.xz.XZInputStream;

/**
 * The one decompressor table: builds exactly the decompressor a declared {@link Compression} (from a media type or a
 * file name) names, never guessing from the bytes and never recursing, bounded by {@link DecompressionLimits}.
 */
public final class Decompressors {
  /** Compressed bytes a decompressor may read before its first output: real headers are far smaller. */
  static final long MAX_INPUT_BEFORE_OUTPUT = 1 << 20;
  /** Below this many compressed bytes, starting the host's xz costs more than xz-java's decoding (a package's control). */
  static final long HOST_XZ_MIN_BYTES = 64 * 1024;
  private final DecompressionLimits limits;
  /**
   * xz allocates its whole dictionary (8 MiB for Debian's payloads, however small the stream) for every stream: reused
   * between the streams this table opens, the many control and data members of a build cost no garbage collections.
   */
  private final BasicArrayCache xzBuffers = new BasicArrayCache();
  private final XzCommand xz;

  /** One table per build or reader: streams it opens, on any thread, share its buffers. */
  public Decompressors(DecompressionLimits limits) {
    this(limits, null);
  }

  /**
   * With the host's {@code xz} for xz streams (null: xz-java; also when it is not XZ Utils 5.2 or later). The output
   * is the same either way; the host's is about twice as fast.
   */
  public Decompressors(DecompressionLimits limits, XzCommand xz) {
    this.limits = limits;
    this.xz = xz;
  }

  public DecompressionLimits limits() {
    return limits;
  }

  /** Wraps the raw archive bytes for reading its tar stream. */
  public InputStream tarStream(InputStream raw, ArchiveFormat format, String what) throws IOException {
    return tarStream(raw, format, what, -1);
  }

  /** The same, for an archive of {@code size} compressed bytes (negative: unknown). */
  public InputStream tarStream(InputStream raw, ArchiveFormat format, String what, long size) throws IOException {
    if (format == ArchiveFormat.ZIP) {
      throw new IllegalArgumentException("zip is not a tar stream");
    }
    return open(format.compression(), raw, what, format.name().toLowerCase(Locale.ROOT).replace('_', '.'), size);
  }

  /**
   * Wraps {@code raw} in the decompressor {@code compression} declares, stopped at the size and ratio limits while
   * it streams; {@link Compression#NONE} returns the bytes as they are. Errors name {@code what}.
   */
  public InputStream open(Compression compression, InputStream raw, String what) throws IOException {
    return open(compression, raw, what, compression.name().toLowerCase(Locale.ROOT), -1);
  }

  private InputStream open(Compression compression, InputStream raw, String what, String streamName, long size)
      throws IOException {
    if (compression == Compression.NONE) {
      return raw;
    }
    Source source = new Source(raw);
    CountingInputStream counted = new CountingInputStream(source, MAX_INPUT_BEFORE_OUTPUT, what);
    InputStream decompressed;
    try {
      decompressed = decoder(counted, compression, size);
    } catch (IOException e) {
      // gzip and xz read their stream header right here; say which archive is not what it claims to be.
      if (source.caused(e)) {
        throw e;
      }
      throw new HostileInputException(what + ": " + (e instanceof java.io.EOFException
          ? "not a valid " + streamName + " stream (it ends inside its header)" : describe(e, streamName, false)));
    }
    return new LimitedInputStream(decompressed, counted, limits, what) {
      @Override
      IOException decoderFailed(IOException e) {
        if (source.caused(e)) {
          return e;
        }
        throw new HostileInputException(what + ": " + describe(e, streamName, started()));
      }
    };
  }

  /** A decoder's error in words: the cut-off stream, the window over the limit, or damaged data. */
  private String describe(IOException e, String streamName, boolean started) {
    if (e instanceof java.io.EOFException || "Truncated source".equals(e.getMessage())
        || e instanceof XzCommand.Failure f && f.kind() == XzCommand.Failure.Kind.TRUNCATED) {
      return "the " + streamName + " stream ends early (a truncated download or a damaged file)";
    }
    if (e instanceof ZstdIOException z && z.getErrorCode() == Zstd.errFrameParameterWindowTooLarge()) {
      return "the zstd frame asks for a window larger than the " + ((1L << limits.zstdWindowLogMax()) >> 20)
          + " MiB limit; refusing";
    }
    if (e instanceof XzCommand.Failure f && f.kind() == XzCommand.Failure.Kind.MEMORY_LIMIT) {
      return "the xz stream needs more memory to decode than the " + limits.xzMemoryLimitKiB() + " KiB limit; refusing";
    }
    if (e instanceof MemoryLimitException m) {
      return "the xz stream needs " + m.getMemoryNeeded() + " KiB of memory to decode, over the " + m.getMemoryLimit()
          + " KiB limit; refusing";
    }
    return (started ? "damaged " + streamName + " data (" : "not a valid " + streamName + " stream (") + detail(e) + ")";
  }

  private static String detail(IOException e) {
    return e.getMessage() == null || e.getMessage().isBlank() ? "no detail" : Printable.of(firstLine(e.getMessage()));
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** The compressed bytes as they come from the file or network: tells its own I/O errors from the decoder's. */
  private static final class Source extends FilterInputStream {
    private IOException failure;

    Source(InputStream in) {
      super(in);
    }

    boolean caused(Throwable e) {
      for (Throwable t = e; t != null && failure != null; t = t.getCause()) {
        if (t == failure) {
          return true;
        }
      }
      return false;
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (IOException e) {
        failure = e;
        throw e;
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return super.read(b, off, len);
      } catch (IOException e) {
        failure = e;
        throw e;
      }
    }

    @Override
    public long skip(long n) throws IOException {
      try {
        return super.skip(n);
      } catch (IOException e) {
        failure = e;
        throw e;
      }
    }
  }

  private InputStream decoder(CountingInputStream counted, Compression compression, long size) throws IOException {
    return switch (compression) {
      case NONE -> counted;
      // Members are decoded as gzip(1) does; the buffer gives the decoder a mark/reset of its own so
      // it can hand back what it read past a member's end without reading the source twice.
      case GZIP -> new GzipCompressorInputStream(new BufferedInputStream(counted, 64 * 1024), true);
      // xz-java reads its headers and block sizes a few bytes at a time: buffer the raw stream under it.
      case XZ -> xz != null && (size < 0 || size >= HOST_XZ_MIN_BYTES) && xz.usable()
          ? xz.decode(counted, limits.xzMemoryLimitKiB())
          : new XZInputStream(new BufferedInputStream(counted, 64 * 1024), limits.xzMemoryLimitKiB(), true, xzBuffers);
      case ZSTD -> {
        ZstdInputStreamNoFinalizer z = new ZstdInputStreamNoFinalizer(counted);
        z.setLongMax(limits.zstdWindowLogMax());
        yield z;
      }
    };
  }
}

package dev.sealbuild.prep.baseimage;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import dev.sealbuild.formats.compress.Compression;
import dev.sealbuild.formats.oci.MediaType;
import dev.sealbuild.formats.oci.OciFormatException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/** A base image layer blob read as its tar: the layer's {@link MediaType} says how it is compressed. */
public final class LayerStreams {
  private LayerStreams() {}

  /**
   * Wraps {@code raw} layer bytes in the decompressor {@code mediaType} declares (never guessed from the bytes); a
   * type that is not a layer sealbuild reads (foreign, non-distributable, unknown) is refused naming {@code label}.
   */
  public static InputStream tar(InputStream raw, String mediaType, String label) throws IOException {
    Compression compression;
    try {
      compression = MediaType.layer(mediaType, label).compression();
    } catch (OciFormatException e) {
      raw.close();
      throw new IOException(e.getMessage(), e);
    }
    return decompress(raw, compression);
  }

  /** {@code raw} decompressed as {@code compression} says. */
  public static InputStream decompress(InputStream raw, Compression compression) throws IOException {
    return switch (compression) {
      case NONE -> raw;
      case GZIP -> new GzipCompressorInputStream(new BufferedInputStream(raw, 64 * 1024), true);
      case ZSTD -> new ZstdInputStreamNoFinalizer(raw);
      case XZ -> {
        raw.close();
        throw new IOException("no layer media type declares xz");
      }
    };
  }
}

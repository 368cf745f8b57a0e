package dev.sealbuild.prep.baseimage;

import dev.sealbuild.formats.compress.Compression;
import dev.sealbuild.formats.compress.DecompressionLimits;
import dev.sealbuild.formats.compress.Decompressors;
import dev.sealbuild.formats.oci.MediaType;
import dev.sealbuild.formats.oci.OciFormatException;
import java.io.IOException;
import java.io.InputStream;

/** A base image layer blob read as its tar: the layer's {@link MediaType} says how it is compressed. */
public final class LayerStreams {
  private LayerStreams() {}

  /**
   * Wraps {@code raw} layer bytes in the bounded decompressor {@code mediaType} declares (never guessed from the
   * bytes); a type that is not a layer sealbuild reads (foreign, non-distributable, unknown) is refused naming
   * {@code label}.
   */
  public static InputStream tar(InputStream raw, String mediaType, String label) throws IOException {
    Compression compression;
    try {
      compression = MediaType.layer(mediaType, label).compression();
    } catch (OciFormatException e) {
      raw.close();
      throw new IOException(e.getMessage(), e);
    }
    return new Decompressors(DecompressionLimits.DEFAULT).open(compression, raw, label);
  }
}

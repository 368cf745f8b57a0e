package dev.sealbuild.prep.baseimage;

import dev.sealbuild.formats.compress.Compression;
import dev.sealbuild.formats.compress.DecompressionLimits;
import dev.sealbuild.formats.compress.Decompressors;
import java.io.IOException;
import java.io.InputStream;

/** The layer media types of OCI and Docker v2 images, and the decompressor each one declares. */
public final class LayerMediaTypes {
  private LayerMediaTypes() {}

  /**
   * Wraps {@code raw} layer bytes in the decompressor {@code mediaType} names (never guessed from the bytes), with the
   * same size and ratio bounds as every other decompression; an unknown or non-distributable type is refused with a
   * message naming {@code label}.
   */
  public static InputStream decompress(InputStream raw, String mediaType, String label) throws IOException {
    Compression compression = switch (mediaType) {
      case "application/vnd.oci.image.layer.v1.tar", "application/vnd.docker.image.rootfs.diff.tar" -> Compression.NONE;
      case "application/vnd.oci.image.layer.v1.tar+gzip", "application/vnd.docker.image.rootfs.diff.tar.gzip" -> Compression.GZIP;
      case "application/vnd.oci.image.layer.v1.tar+zstd" -> Compression.ZSTD;
      default -> {
        raw.close();
        throw new IOException(label + " has media type " + mediaType + ", which is not a layer sealbuild can read");
      }
    };
    return new Decompressors(DecompressionLimits.DEFAULT).open(compression, raw, label);
  }
}

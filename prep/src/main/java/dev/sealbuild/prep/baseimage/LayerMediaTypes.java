package dev.sealbuild.prep.baseimage;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/** The layer media types of OCI and Docker v2 images, and the decompressor each one declares. */
public final class LayerMediaTypes {
  private LayerMediaTypes() {}

  /**
   * Wraps {@code raw} layer bytes in the decompressor {@code mediaType} names (never guessed from the bytes); an
   * unknown or non-distributable type is refused with a message naming {@code label}.
   */
  public static InputStream decompress(InputStream raw, String mediaType, String label) throws IOException {
    return switch (mediaType) {
      case "application/vnd.oci.image.layer.v1.tar", "application/vnd.docker.image.rootfs.diff.tar" -> raw;
      case "application/vnd.oci.image.layer.v1.tar+gzip", "application/vnd.docker.image.rootfs.diff.tar.gzip" ->
          new GzipCompressorInputStream(new BufferedInputStream(raw, 64 * 1024), true);
      case "application/vnd.oci.image.layer.v1.tar+zstd" -> new ZstdInputStreamNoFinalizer(raw);
      default -> {
        raw.close();
        throw new IOException(label + " has media type " + mediaType + ", which is not a layer sealbuild can read");
      }
    };
  }
}

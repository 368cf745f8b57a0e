package dev.sealbuild.builder.layer;

import dev.sealbuild.formats.digest.Sha256;
import java.nio.file.Path;

/** A written layer: the compressed blob on disk, its digest and size, and the digest of its tar (diff_id). */
public record LayerBlob(Path file, Sha256 digest, long size, Sha256 diffId, long uncompressedSize, String mediaType, String createdBy) {
  public static final String OCI_TAR_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
}

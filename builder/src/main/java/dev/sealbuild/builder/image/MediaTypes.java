package dev.sealbuild.builder.image;

/** OCI media types used by sealbuild. */
public final class MediaTypes {
  public static final String IMAGE_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  public static final String IMAGE_INDEX = "application/vnd.oci.image.index.v1+json";
  public static final String IMAGE_CONFIG = "application/vnd.oci.image.config.v1+json";
  public static final String LAYER_TAR_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";

  /** OCI 1.1's empty descriptor content, {@code {}}, the config of an artifact manifest. */
  public static final String EMPTY = "application/vnd.oci.empty.v1+json";

  private MediaTypes() {}
}

package dev.sealbuild.formats.oci;

import dev.sealbuild.formats.compress.Compression;
import java.util.Arrays;
import java.util.Optional;

/**
 * Every media type sealbuild reads or writes (non-distributable and foreign layers are not among them: refused).
 * Types it only passes through (an artifact's {@code artifactType}, a
 * referrer's document type) stay strings in {@link Descriptor}; {@link #find} tells whether a string is one of these.
 */
public enum MediaType {
  OCI_MANIFEST("application/vnd.oci.image.manifest.v1+json", Kind.MANIFEST, null),
  OCI_INDEX("application/vnd.oci.image.index.v1+json", Kind.INDEX, null),
  OCI_CONFIG("application/vnd.oci.image.config.v1+json", Kind.CONFIG, null),
  OCI_LAYER("application/vnd.oci.image.layer.v1.tar", Kind.LAYER, Compression.NONE),
  OCI_LAYER_GZIP("application/vnd.oci.image.layer.v1.tar+gzip", Kind.LAYER, Compression.GZIP),
  OCI_LAYER_ZSTD("application/vnd.oci.image.layer.v1.tar+zstd", Kind.LAYER, Compression.ZSTD),
  /** OCI 1.1's empty descriptor content, {@code {}}: the config of an artifact manifest. */
  OCI_EMPTY("application/vnd.oci.empty.v1+json", Kind.OTHER, null),
  DOCKER_MANIFEST("application/vnd.docker.distribution.manifest.v2+json", Kind.MANIFEST, null),
  DOCKER_MANIFEST_LIST("application/vnd.docker.distribution.manifest.list.v2+json", Kind.INDEX, null),
  DOCKER_CONFIG("application/vnd.docker.container.image.v1+json", Kind.CONFIG, null),
  DOCKER_LAYER("application/vnd.docker.image.rootfs.diff.tar", Kind.LAYER, Compression.NONE),
  DOCKER_LAYER_GZIP("application/vnd.docker.image.rootfs.diff.tar.gzip", Kind.LAYER, Compression.GZIP);

  private enum Kind { MANIFEST, INDEX, CONFIG, LAYER, OTHER }

  private final String text;
  private final Kind kind;
  private final Compression compression;

  MediaType(String text, Kind kind, Compression compression) {
    this.text = text;
    this.kind = kind;
    this.compression = compression;
  }

  /** The type, or a one-line {@link OciFormatException} naming it and what sealbuild reads. */
  public static MediaType parse(String text) {
    return find(text).orElseThrow(() -> new OciFormatException("unsupported media type '" + OciJson.printable(String.valueOf(text))
        + "': sealbuild reads OCI and Docker v2 manifests, indexes, configs and tar, tar+gzip or tar+zstd layers"));
  }

  /** The Accept header for a registry's manifest endpoint: indexes first, then image manifests, OCI then Docker. */
  public static String accept() {
    return String.join(", ", OCI_INDEX.text, DOCKER_MANIFEST_LIST.text, OCI_MANIFEST.text, DOCKER_MANIFEST.text);
  }

  /** True when {@code text} is an index or image manifest type sealbuild reads. */
  public static boolean isManifestOrIndex(String text) {
    return find(text).filter(t -> t.isIndex() || t.isManifest()).isPresent();
  }

  /** True when {@code text} is an index type (OCI index, Docker manifest list). */
  public static boolean isIndexType(String text) {
    return find(text).filter(MediaType::isIndex).isPresent();
  }

  public static Optional<MediaType> find(String text) {
    return Arrays.stream(values()).filter(t -> t.text.equals(text)).findFirst();
  }

  public boolean isIndex() {
    return kind == Kind.INDEX;
  }

  public boolean isManifest() {
    return kind == Kind.MANIFEST;
  }

  public boolean isConfig() {
    return kind == Kind.CONFIG;
  }

  public boolean isLayer() {
    return kind == Kind.LAYER;
  }

  /** How a layer of this type is compressed; a one-line error for a type that is not a layer. */
  public Compression compression() {
    if (compression == null) {
      throw new OciFormatException("media type " + text + " is not a layer type");
    }
    return compression;
  }

  /** The OCI layer type for a layer compressed with {@code compression} (a Docker v2 layer's bytes are an OCI layer's). */
  public static MediaType ociLayer(Compression compression) {
    return switch (compression) {
      case NONE -> OCI_LAYER;
      case GZIP -> OCI_LAYER_GZIP;
      case ZSTD -> OCI_LAYER_ZSTD;
      case XZ -> throw new OciFormatException("OCI has no layer media type for xz-compressed tars");
    };
  }

  /** A layer type sealbuild reads; a one-line error naming {@code what} for anything else (foreign, non-distributable). */
  public static MediaType layer(String text, String what) {
    return find(text).filter(MediaType::isLayer).orElseThrow(() -> new OciFormatException(what + " has media type "
        + OciJson.printable(String.valueOf(text)) + ", which is not a layer sealbuild can read (tar, tar+gzip or tar+zstd, OCI or Docker v2)"));
  }

  @Override
  public String toString() {
    return text;
  }
}

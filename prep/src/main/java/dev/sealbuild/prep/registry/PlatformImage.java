package dev.sealbuild.prep.registry;

import dev.sealbuild.formats.oci.Descriptor;
import dev.sealbuild.formats.oci.Manifest;
import dev.sealbuild.formats.oci.Platform;
import java.util.List;
import java.util.Objects;

/**
 * The image manifest serving one platform: its descriptor and raw bytes (already checked against
 * {@code manifest.digest()}; these bytes, never a re-serialization, are what is cached and pushed), the same bytes
 * read as the formats model ({@code document}), and its config's checked raw bytes.
 */
public record PlatformImage(Platform platform, Descriptor manifest, byte[] manifestBytes, Manifest document,
                            byte[] configBytes) {
  public PlatformImage {
    Objects.requireNonNull(platform, "platform");
    Objects.requireNonNull(manifest, "manifest");
    manifestBytes = manifestBytes.clone();
    Objects.requireNonNull(document, "document");
    configBytes = configBytes.clone();
  }

  /** The config's descriptor, as the manifest lists it. */
  public Descriptor config() {
    return document.config();
  }

  /** The layers' descriptors, in manifest order (lowest first). */
  public List<Descriptor> layers() {
    return document.layers();
  }

  @Override
  public byte[] manifestBytes() {
    return manifestBytes.clone();
  }

  @Override
  public byte[] configBytes() {
    return configBytes.clone();
  }
}

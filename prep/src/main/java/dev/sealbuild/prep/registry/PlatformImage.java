package dev.sealbuild.prep.registry;

import dev.sealbuild.formats.oci.Descriptor;
import dev.sealbuild.formats.oci.Platform;
import java.util.List;
import java.util.Objects;

/**
 * The image manifest serving one platform, with its raw bytes (already checked against {@code manifest.digest()}),
 * its config (descriptor and checked raw bytes) and its layer descriptors, in manifest order.
 */
public record PlatformImage(Platform platform, Descriptor manifest, byte[] manifestBytes,
                            Descriptor config, byte[] configBytes, List<Descriptor> layers) {
  public PlatformImage {
    Objects.requireNonNull(platform, "platform");
    Objects.requireNonNull(manifest, "manifest");
    manifestBytes = manifestBytes.clone();
    Objects.requireNonNull(config, "config");
    configBytes = configBytes.clone();
    layers = List.copyOf(layers);
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

package dev.sealbuild.prep.registry;

import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.oci.PlatformImage;
import java.util.Objects;

/**
 * One platform's image as fetched from a registry, with its manifest's and config's raw bytes (each already checked
 * against its descriptor; these bytes, never a re-serialization, are what is cached and pushed).
 */
public record FetchedPlatform(PlatformImage image, byte[] manifestBytes, byte[] configBytes) {
  public FetchedPlatform {
    Objects.requireNonNull(image, "image");
    manifestBytes = manifestBytes.clone();
    configBytes = configBytes.clone();
    if (!Sha256.hash(manifestBytes).equals(image.digest())
        || !Sha256.hash(configBytes).equals(image.configDescriptor().digest())) {
      throw new IllegalArgumentException("the bytes of manifest " + image.digest() + " or of its config do not hash to"
          + " their digests");
    }
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

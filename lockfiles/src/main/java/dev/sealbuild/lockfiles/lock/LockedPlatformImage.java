package dev.sealbuild.lockfiles.lock;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.sealbuild.formats.oci.Platform;
import dev.sealbuild.formats.oci.PlatformImage;
import java.util.List;
import java.util.Objects;

/** The base image for one platform: its manifest, its config and its layers in manifest order (lowest first). */
public record LockedPlatformImage(Platform platform, LockedDescriptor manifest, LockedDescriptor config,
                                  List<LockedDescriptor> layers) implements Comparable<LockedPlatformImage> {
  @JsonCreator
  public LockedPlatformImage(
      @JsonProperty(value = "platform", required = true) Platform platform,
      @JsonProperty(value = "manifest", required = true) LockedDescriptor manifest,
      @JsonProperty(value = "config", required = true) LockedDescriptor config,
      @JsonProperty(value = "layers", required = true) List<LockedDescriptor> layers) {
    this.platform = Objects.requireNonNull(platform, "platform");
    this.manifest = Objects.requireNonNull(manifest, "manifest");
    this.config = Objects.requireNonNull(config, "config");
    this.layers = List.copyOf(Objects.requireNonNull(layers, "layers"));
  }

  /** What the lock pins of {@code image} for the requested {@code platform}: its manifest, config and layers. */
  public static LockedPlatformImage of(Platform platform, PlatformImage image) {
    return new LockedPlatformImage(platform, LockedDescriptor.of(image.descriptor()),
        LockedDescriptor.of(image.configDescriptor()), image.layers().stream().map(LockedDescriptor::of).toList());
  }

  @Override
  public int compareTo(LockedPlatformImage o) {
    return platform.compareTo(o.platform);
  }
}

package dev.sealbuild.lockfiles.lock;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.sealbuild.formats.oci.Platform;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The pinned base image: the reference as the spec writes it, the repository it is fetched from
 * ({@code registry/repository}), what the reference resolved to when locked ({@code root}: an image index, a Docker
 * manifest list or a single manifest) and one {@link LockedPlatformImage} per platform, sorted by platform.
 */
public record LockedBaseImage(String reference, String repository, LockedDescriptor root, List<LockedPlatformImage> platforms) {
  @JsonCreator
  public LockedBaseImage(
      @JsonProperty(value = "reference", required = true) String reference,
      @JsonProperty(value = "repository", required = true) String repository,
      @JsonProperty(value = "root", required = true) LockedDescriptor root,
      @JsonProperty(value = "platforms", required = true) List<LockedPlatformImage> platforms) {
    this.reference = Objects.requireNonNull(reference, "reference");
    this.repository = Objects.requireNonNull(repository, "repository");
    this.root = Objects.requireNonNull(root, "root");
    if (platforms == null || platforms.isEmpty()) {
      throw new IllegalArgumentException("base image " + reference + " pins no platform");
    }
    this.platforms = platforms.stream().sorted().toList();
    for (int i = 1; i < this.platforms.size(); i++) {
      if (this.platforms.get(i).platform().equals(this.platforms.get(i - 1).platform())) {
        throw new IllegalArgumentException("base image " + reference + " pins platform " + this.platforms.get(i).platform() + " twice");
      }
    }
  }

  public Optional<LockedPlatformImage> platform(Platform platform) {
    return platforms.stream().filter(p -> p.platform().equals(platform)).findFirst();
  }

  /** The pinned reference, {@code repository@digest}: what the image was built from. */
  public String pinned() {
    return repository + "@" + root.digest();
  }
}

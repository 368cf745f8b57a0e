package dev.sealbuild.prep.baseimage;

import dev.sealbuild.lockfiles.lock.LockedBaseImage;
import dev.sealbuild.lockfiles.lock.LockedDescriptor;
import dev.sealbuild.lockfiles.lock.LockedPlatformImage;
import dev.sealbuild.formats.oci.Platform;
import dev.sealbuild.prep.registry.ImageReference;
import dev.sealbuild.prep.registry.Registry;
import dev.sealbuild.prep.registry.ResolvedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Pins {@code base.image}: the reference is resolved once, at lock time, to its digest and one manifest per platform;
 * after that only a new lock moves the base (a tag that moves in the registry changes nothing).
 */
public final class BaseImageLocker {
  private final Registry registry;

  public BaseImageLocker(Registry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  /**
   * The previous pin when it is for the same reference and covers every platform (narrowed to them), else a fresh
   * resolution through the registry.
   */
  public LockedBaseImage lock(String reference, List<Platform> platforms, Optional<LockedBaseImage> previous) {
    Optional<LockedBaseImage> kept = previous.filter(p -> p.reference().equals(reference))
        .filter(p -> platforms.stream().allMatch(platform -> p.platform(platform).isPresent()))
        .map(p -> new LockedBaseImage(p.reference(), p.repository(), p.root(),
            platforms.stream().map(platform -> p.platform(platform).orElseThrow()).toList()));
    return kept.orElseGet(() -> resolve(reference, platforms));
  }

  private LockedBaseImage resolve(String reference, List<Platform> platforms) {
    ImageReference parsed = ImageReference.parse(reference);
    ResolvedImage resolved = registry.resolve(parsed, platforms);
    List<LockedPlatformImage> images = new ArrayList<>();
    for (int i = 0; i < platforms.size(); i++) {
      images.add(LockedPlatformImage.of(platforms.get(i), resolved.images().get(i).image()));
    }
    return new LockedBaseImage(reference, parsed.registry() + "/" + parsed.repository(), LockedDescriptor.of(resolved.root()),
        images);
  }
}

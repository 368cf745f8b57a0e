package dev.sealbuild.lockfiles.diff;

import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.lockfiles.spec.Platform;
import java.util.List;

/**
 * The base image added, removed, or resolved to another digest: its reference and root digest (index or
 * manifest) on each side, and each platform whose manifest digest changed.
 */
public record BaseImageChange(Change change, String fromReference, String toReference, Sha256 fromDigest, Sha256 toDigest,
    List<PlatformManifestChange> platforms) {
  public BaseImageChange {
    platforms = List.copyOf(platforms);
  }

  /** One platform's manifest of the base image, added, removed or at another digest. */
  public record PlatformManifestChange(Change change, Platform platform, Sha256 fromDigest, Sha256 toDigest) {}
}

package dev.sealbuild.builder.image;

import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.lockfiles.spec.Platform;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * An assembled image in a staging directory ({@code blobs/sha256/<hex>}): the root descriptor (a manifest,
 * or an index when there are several platforms) and each platform's manifest.
 */
public record BuiltImage(Path stagingDir, Descriptor root, Map<Platform, PlatformImage> platforms, List<Sha256> blobs,
    List<Descriptor> referrers) {
  public BuiltImage(Path stagingDir, Descriptor root, Map<Platform, PlatformImage> platforms, List<Sha256> blobs) {
    this(stagingDir, root, platforms, blobs, List.of());
  }

  /** One platform's manifest, config and layers (blob descriptor, diff_id and tar size of each). */
  public record PlatformImage(Descriptor manifest, Descriptor config, List<Descriptor> layers, List<Sha256> diffIds,
      List<Long> uncompressedSizes) {}

  public Path blob(Sha256 digest) {
    return stagingDir.resolve("blobs").resolve("sha256").resolve(digest.hex());
  }

  public Sha256 digest() {
    return root.digest();
  }
}

package dev.sealbuild.builder.image;

import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.oci.Descriptor;
import dev.sealbuild.formats.oci.Platform;
import dev.sealbuild.formats.oci.PlatformImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * An assembled image in a staging directory ({@code blobs/sha256/<hex>}): the root descriptor (a manifest,
 * or an index when there are several platforms) and each platform's manifest.
 */
public record BuiltImage(Path stagingDir, Descriptor root, Map<Platform, BuiltPlatform> platforms, List<Sha256> blobs,
    List<Descriptor> referrers) {
  public BuiltImage(Path stagingDir, Descriptor root, Map<Platform, BuiltPlatform> platforms, List<Sha256> blobs) {
    this(stagingDir, root, platforms, blobs, List.of());
  }

  /**
   * One platform's image (its manifest, config and layers are blobs in the staging directory) and the tar size of
   * each layer, in manifest order.
   */
  public record BuiltPlatform(PlatformImage image, List<Long> uncompressedSizes) {
    public BuiltPlatform {
      uncompressedSizes = List.copyOf(uncompressedSizes);
      if (uncompressedSizes.size() != image.layers().size()) {
        throw new IllegalArgumentException(image.layers().size() + " layers but " + uncompressedSizes.size()
            + " uncompressed sizes");
      }
    }
  }

  public Path blob(Sha256 digest) {
    return stagingDir.resolve("blobs").resolve("sha256").resolve(digest.hex());
  }

  public Sha256 digest() {
    return root.digest();
  }
}

package dev.sealbuild.builder.inspect;

import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.oci.Descriptor;
import dev.sealbuild.formats.oci.Platform;
import dev.sealbuild.formats.oci.PlatformImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An image read from an OCI layout, an oci-archive or a docker-archive: what it names as its root (an index or a
 * manifest digest; null for a docker-archive, which has none) and, per platform, its image and layer files.
 * Blobs are files on disk, checked against their digests when {@link ImageReader} read them.
 */
public record StoredImage(String source, Sha256 root, List<StoredPlatform> platforms, List<Referrer> referrers) {
  public StoredImage {
    platforms = List.copyOf(platforms);
    referrers = List.copyOf(referrers);
  }

  /** An OCI 1.1 artifact whose subject is this image (an SBOM, a provenance): its type and its document's bytes. */
  public record Referrer(String artifactType, Sha256 manifest, Path document) {}

  /**
   * One platform's image and the file holding each of its layers, in manifest order. A docker-archive has no
   * manifest: {@link ImageReader} makes one from its {@code manifest.json} entry.
   */
  public record StoredPlatform(PlatformImage image, List<Path> layerFiles) {
    public StoredPlatform {
      layerFiles = List.copyOf(layerFiles);
      if (layerFiles.size() != image.layers().size()) {
        throw new IllegalArgumentException(image.layers().size() + " layers but " + layerFiles.size() + " layer files");
      }
    }

    public Platform platform() {
      return image.platform();
    }

    /** Each layer as the manifest lists it, with where its bytes are. */
    public List<Layer> layers() {
      List<Layer> layers = new ArrayList<>();
      for (int i = 0; i < layerFiles.size(); i++) {
        layers.add(new Layer(image.layers().get(i), layerFiles.get(i)));
      }
      return layers;
    }
  }

  /** A layer blob: as the manifest lists it and where its bytes are. */
  public record Layer(Descriptor descriptor, Path file) {
    public String mediaType() {
      return descriptor.mediaType();
    }

    public Sha256 digest() {
      return descriptor.digest();
    }
  }
}

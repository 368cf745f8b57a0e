package dev.sealbuild.builder.inspect;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sealbuild.formats.digest.Sha256;
import java.nio.file.Path;
import java.util.List;

/**
 * An image read from an OCI layout, an oci-archive or a docker-archive: what it names as its root (an index or a
 * manifest digest; null for a docker-archive, which has none) and, per platform, its manifest, config and layers.
 * Blobs are files on disk, checked against their digests when {@link ImageReader} read them.
 */
public record StoredImage(String source, Sha256 root, List<PlatformImage> platforms, List<Referrer> referrers) {
  public StoredImage {
    platforms = List.copyOf(platforms);
    referrers = List.copyOf(referrers);
  }

  /** An OCI 1.1 artifact whose subject is this image (an SBOM, a provenance): its type and its document's bytes. */
  public record Referrer(String artifactType, Sha256 manifest, Path document) {}

  /**
   * One platform's image. {@code manifest} is null for a docker-archive; {@code baseDigest} is the manifest's
   * {@code org.opencontainers.image.base.digest} annotation, when it has one.
   */
  public record PlatformImage(String platform, Sha256 manifest, Sha256 configDigest, JsonNode config, List<Layer> layers,
      String baseDigest) {
    public PlatformImage {
      layers = List.copyOf(layers);
    }
  }

  /** A layer blob: as the manifest lists it ({@code digest}) and where its bytes are. */
  public record Layer(String mediaType, Sha256 digest, Path file) {}
}

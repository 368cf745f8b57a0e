package dev.sealbuild.builder.image;

import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.oci.Descriptor;
import dev.sealbuild.formats.oci.Manifest;
import dev.sealbuild.formats.oci.MediaType;
import dev.sealbuild.formats.digest.DigestingOutputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Attaches documents about an image (SBOM, provenance) as OCI 1.1 referrers: an artifact manifest whose
 * {@code subject} is the image, with the empty config and the document as its one layer. The image's own digest
 * does not change; OCI layouts list the artifact beside the image, and registries answer it from the referrers API.
 */
public final class Referrers {
  private static final byte[] EMPTY_JSON = "{}".getBytes(StandardCharsets.UTF_8);

  private Referrers() {}

  /** Writes a document to a stream: a document that may be too large to hold in memory. */
  public interface Document {
    void writeTo(OutputStream out) throws IOException;
  }

  public static BuiltImage attach(BuiltImage image, String artifactType, byte[] document, long epoch) throws IOException {
    return attach(image, artifactType, out -> out.write(document), epoch);
  }

  /** Attaches the document {@code document} writes, streamed into its blob (hashed as it is written). */
  public static BuiltImage attach(BuiltImage image, String artifactType, Document document, long epoch) throws IOException {
    Descriptor config = write(image, MediaType.OCI_EMPTY.toString(), EMPTY_JSON);
    Descriptor layer = write(image, artifactType, document);
    Manifest manifest = new Manifest(MediaType.OCI_MANIFEST, artifactType, config, List.of(layer), image.root().bare(),
        Map.of("org.opencontainers.image.created", java.time.Instant.ofEpochSecond(epoch).toString()));
    Descriptor written = write(image, MediaType.OCI_MANIFEST.toString(), manifest.toBytes());
    Set<Sha256> blobs = new LinkedHashSet<>(image.blobs());
    blobs.add(config.digest());
    blobs.add(layer.digest());
    blobs.add(written.digest());
    List<Descriptor> referrers = new ArrayList<>(image.referrers());
    referrers.add(written.withArtifactType(artifactType));
    return new BuiltImage(image.stagingDir(), image.root(), image.platforms(), List.copyOf(blobs), List.copyOf(referrers));
  }

  private static Descriptor write(BuiltImage image, String mediaType, Document document) throws IOException {
    Path dir = Files.createDirectories(image.stagingDir().resolve("blobs").resolve("sha256"));
    Path tmp = Files.createTempFile(dir, ".document", ".tmp");
    try {
      DigestingOutputStream hashed;
      try (OutputStream file = Files.newOutputStream(tmp)) {
        hashed = new DigestingOutputStream(file);
        OutputStream buffered = new BufferedOutputStream(hashed, 64 * 1024);
        document.writeTo(buffered);
        buffered.flush();
      }
      Sha256 digest = hashed.digest();
      Files.move(tmp, image.blob(digest), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return Descriptor.of(mediaType, digest, hashed.count());
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static Descriptor write(BuiltImage image, String mediaType, byte[] bytes) throws IOException {
    Sha256 digest = Sha256.hash(bytes);
    Files.write(image.blob(digest), bytes);
    return Descriptor.of(mediaType, digest, bytes.length);
  }
}

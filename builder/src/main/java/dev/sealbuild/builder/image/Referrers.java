package dev.sealbuild.builder.image;

import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.lockfiles.json.CanonicalJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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

  public static BuiltImage attach(BuiltImage image, String artifactType, byte[] document, long epoch) throws IOException {
    Descriptor config = write(image, MediaTypes.EMPTY, EMPTY_JSON);
    Descriptor layer = write(image, artifactType, document);
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", MediaTypes.IMAGE_MANIFEST);
    manifest.put("artifactType", artifactType);
    manifest.put("config", config);
    manifest.put("layers", List.of(layer));
    manifest.put("subject", new Descriptor(image.root().mediaType(), image.root().digest(), image.root().size(), null, null));
    manifest.put("annotations", Map.of("org.opencontainers.image.created", java.time.Instant.ofEpochSecond(epoch).toString()));
    Descriptor written = write(image, MediaTypes.IMAGE_MANIFEST, CanonicalJson.compact(manifest));
    Set<Sha256> blobs = new LinkedHashSet<>(image.blobs());
    blobs.add(config.digest());
    blobs.add(layer.digest());
    blobs.add(written.digest());
    List<Descriptor> referrers = new ArrayList<>(image.referrers());
    referrers.add(new Descriptor(written.mediaType(), written.digest(), written.size(), null, null, artifactType));
    return new BuiltImage(image.stagingDir(), image.root(), image.platforms(), List.copyOf(blobs), List.copyOf(referrers));
  }

  private static Descriptor write(BuiltImage image, String mediaType, byte[] bytes) throws IOException {
    Sha256 digest = Sha256.hash(bytes);
    Files.write(image.blob(digest), bytes);
    return new Descriptor(mediaType, digest, bytes.length, null, null);
  }
}

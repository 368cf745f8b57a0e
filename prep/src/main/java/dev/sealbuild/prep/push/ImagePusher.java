package dev.sealbuild.prep.push;

import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.prep.registry.BlobPush;
import dev.sealbuild.prep.registry.Descriptor;
import dev.sealbuild.prep.registry.ImageReference;
import dev.sealbuild.prep.registry.RegistryException;
import dev.sealbuild.prep.registry.RegistryPusher;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sealbuild.prep.registry.MediaTypes;

/**
 * Pushes a {@link PushPlan} to a registry: the blobs the repository lacks (mounted from the base image's repository
 * when the image names one on the same registry), then the platform manifests, then the root under the tag, which
 * is then fetched back and must hash to the built digest; then the referrers, by digest. Nothing is tagged before
 * everything it needs is in place.
 */
public final class ImagePusher {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final RegistryPusher registry;
  private final PushListener listener;

  public ImagePusher(RegistryPusher registry, PushListener listener) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  public PushResult push(PushPlan plan, ImageReference destination) {
    Descriptor root = plan.root();
    if (destination.digest() != null && !destination.digest().equals(root.digest())) {
      throw new PushException(destination + " names digest " + destination.digest() + " but " + plan.label() + " holds image "
          + root.digest() + ": nothing pushed");
    }
    String rootQualifier = destination.tag() != null ? destination.tag() : root.digest().toString();
    Counts counts = new Counts();
    push(plan, plan.image(), destination, rootQualifier, counts);
    Sha256 served = registry.manifestDigest(destination, rootQualifier);
    if (!served.equals(root.digest())) {
      throw new PushException(where(destination, rootQualifier) + " serves manifest " + served + " right after sealbuild pushed "
          + root.digest() + ": another push to the same tag may have raced this one");
    }
    for (PushPlan.Group referrer : plan.referrers()) {
      push(plan, referrer, destination, null, counts);
    }
    tagReferrers(plan, destination);
    return new PushResult(destination.withDigest(root.digest()), root.digest(), counts.uploaded, counts.uploadedBytes, counts.mounted,
        counts.existed, counts.manifests, plan.referrers().size());
  }

  private void push(PushPlan plan, PushPlan.Group group, ImageReference destination, String rootQualifier, Counts counts) {
    for (PushPlan.Blob blob : group.blobs()) {
      String mountFrom = mountSource(blob.baseName(), destination);
      Descriptor descriptor = blob.descriptor();
      BlobPush outcome = registry.pushBlob(destination, descriptor, () -> plan.layout().open(descriptor), mountFrom);
      counts.add(outcome, descriptor.size());
      listener.blob(descriptor, outcome, mountFrom);
    }
    PushPlan.Manifest root = group.root();
    for (PushPlan.Manifest manifest : group.manifests()) {
      String qualifier = manifest == root && rootQualifier != null ? rootQualifier : manifest.descriptor().digest().toString();
      registry.putManifest(destination, qualifier, manifest.descriptor(), manifest.bytes());
      counts.manifests++;
      listener.manifest(manifest.descriptor(), where(destination, qualifier));
    }
  }

  /**
   * For registries without OCI 1.1's referrers API (distribution 2.8, many mirrors), the spec's fallback: an index
   * of the referrers of each subject under the tag {@code sha256-<hex>}, merged with what that tag already lists,
   * so that {@code oras discover} and {@code cosign tree} find the SBOM and the provenance.
   */
  private void tagReferrers(PushPlan plan, ImageReference destination) {
    Map<Sha256, Map<Sha256, ObjectNode>> bySubject = new TreeMap<>();
    for (PushPlan.Group group : plan.referrers()) {
      PushPlan.Manifest manifest = group.root();
      JsonNode doc = json(manifest.bytes(), plan.label());
      Sha256 subject = Sha256.parse(doc.path("subject").path("digest").asText());
      ObjectNode descriptor = JSON.createObjectNode()
          .put("mediaType", manifest.descriptor().mediaType())
          .put("digest", manifest.descriptor().digest().toString())
          .put("size", manifest.descriptor().size());
      String artifactType = doc.path("artifactType").asText(doc.path("config").path("mediaType").asText(""));
      if (!artifactType.isEmpty()) {
        descriptor.put("artifactType", artifactType);
      }
      if (doc.path("annotations").isObject()) {
        descriptor.set("annotations", doc.path("annotations"));
      }
      bySubject.computeIfAbsent(subject, k -> new TreeMap<>()).put(manifest.descriptor().digest(), descriptor);
    }
    for (Map.Entry<Sha256, Map<Sha256, ObjectNode>> entry : bySubject.entrySet()) {
      if (registry.servesReferrers(destination, entry.getKey())) {
        continue;
      }
      String tag = "sha256-" + entry.getKey().hex();
      Map<Sha256, JsonNode> listed = new TreeMap<>();
      registry.manifestIfPresent(destination, tag).ifPresent(bytes -> json(bytes, where(destination, tag)).path("manifests")
          .forEach(m -> listed.put(Sha256.parse(m.path("digest").asText()), m)));
      listed.putAll(entry.getValue());
      ObjectNode index = JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", MediaTypes.OCI_INDEX);
      listed.values().forEach(index.putArray("manifests")::add);
      byte[] bytes;
      try {
        bytes = JSON.writeValueAsBytes(index);
      } catch (java.io.IOException e) {
        throw new PushException("cannot write the referrers index for " + entry.getKey() + ": " + e.getMessage());
      }
      Descriptor descriptor = new Descriptor(MediaTypes.OCI_INDEX, Sha256.hash(bytes), bytes.length);
      registry.putManifest(destination, tag, descriptor, bytes);
      listener.manifest(descriptor, where(destination, tag));
    }
  }

  private static JsonNode json(byte[] bytes, String what) {
    try {
      return JSON.readTree(bytes);
    } catch (java.io.IOException e) {
      throw new PushException(what + ": a referrer manifest is not JSON");
    }
  }

  /** The repository to mount blobs from: the base image's, when it is another repository of the same registry. */
  static String mountSource(String baseName, ImageReference destination) {
    if (baseName == null || baseName.isBlank()) {
      return null;
    }
    try {
      ImageReference base = ImageReference.parse(baseName);
      return base.registry().equals(destination.registry()) && !base.repository().equals(destination.repository())
          ? base.repository() : null;
    } catch (RegistryException e) {
      return null; // an annotation that is not a reference only loses the optimisation
    }
  }

  private static String where(ImageReference destination, String qualifier) {
    return destination.registry() + "/" + destination.repository() + (qualifier.startsWith("sha256:") ? "@" : ":") + qualifier;
  }

  private static final class Counts {
    int uploaded;
    long uploadedBytes;
    int mounted;
    int existed;
    int manifests;

    void add(BlobPush outcome, long size) {
      switch (outcome) {
        case UPLOADED -> {
          uploaded++;
          uploadedBytes += size;
        }
        case MOUNTED -> mounted++;
        case EXISTED -> existed++;
      }
    }
  }
}

package dev.sealbuild.prep.registry;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealbuild.formats.digest.Sha256;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Reads and checks image indexes, manifests and configs (hostile input: every field is checked before use). */
final class ManifestDocuments {
  /** A manifest-like document whose media type has been settled. */
  record Document(String mediaType, JsonNode json) {}

  /** One entry of an index. */
  record IndexEntry(Descriptor descriptor, Platform platform) {}

  private static final ObjectMapper JSON = new ObjectMapper(new com.fasterxml.jackson.core.JsonFactoryBuilder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).maxStringLength(1 << 20).build()).build());

  private ManifestDocuments() {}

  /**
   * Parses a manifest or index. {@code declared} is what the descriptor or Content-Type said (may be empty when
   * unknown); the document's own {@code mediaType}, when present, must agree with it.
   */
  static Document parse(byte[] bytes, String declared, String what) {
    JsonNode json = tree(bytes, what);
    if (json.has("manifests") && (json.has("layers") || json.has("config"))) {
      throw new RegistryException(what + " has both 'manifests' and 'layers'/'config': refusing an ambiguous document");
    }
    if (json.path("schemaVersion").asInt(-1) != 2) {
      throw new RegistryException(what + " has schemaVersion " + json.path("schemaVersion") + ": only schema 2 (OCI and Docker v2) is supported");
    }
    String own = json.has("mediaType") ? json.get("mediaType").asText("") : "";
    boolean declaredKnown = MediaTypes.ACCEPTED.contains(declared);
    if (!own.isEmpty() && declaredKnown && !own.equals(declared)) {
      throw new RegistryException(what + " says mediaType " + own + " but was served/described as " + declared);
    }
    String mediaType = !own.isEmpty() ? own : declaredKnown ? declared
        : json.has("manifests") ? MediaTypes.OCI_INDEX : MediaTypes.OCI_MANIFEST;
    if (!MediaTypes.ACCEPTED.contains(mediaType)) {
      throw new RegistryException(what + " has unsupported media type " + mediaType);
    }
    if (MediaTypes.isIndex(mediaType) ? !json.path("manifests").isArray() || json.has("layers")
        : !json.path("config").isObject() || !json.path("layers").isArray() || json.has("manifests")) {
      throw new RegistryException(what + " does not have the fields a " + mediaType + " needs");
    }
    return new Document(mediaType, json);
  }

  static List<IndexEntry> indexEntries(Document index, String what) {
    List<IndexEntry> entries = new ArrayList<>();
    for (JsonNode entry : index.json().get("manifests")) {
      Descriptor descriptor = descriptor(entry, what + " manifests[" + entries.size() + "]");
      JsonNode platform = entry.path("platform");
      Platform parsed = null;
      if (platform.path("os").isTextual() && platform.path("architecture").isTextual()
          && !platform.get("os").asText().isEmpty() && !platform.get("architecture").asText().isEmpty()) {
        String variant = platform.path("variant").isTextual() && !platform.get("variant").asText().isEmpty()
            ? platform.get("variant").asText() : null;
        parsed = new Platform(platform.get("os").asText(), platform.get("architecture").asText(), variant);
      }
      entries.add(new IndexEntry(descriptor, parsed));
    }
    return entries;
  }

  static Descriptor config(Document manifest, String what) {
    return descriptor(manifest.json().get("config"), what + " config");
  }

  static List<Descriptor> layers(Document manifest, String what) {
    List<Descriptor> layers = new ArrayList<>();
    for (JsonNode layer : manifest.json().get("layers")) {
      layers.add(descriptor(layer, what + " layers[" + layers.size() + "]"));
    }
    return layers;
  }

  /** The platform an image config declares ({@code os}, {@code architecture}, optional {@code variant}). */
  static Platform configPlatform(byte[] config, String what) {
    JsonNode json = tree(config, what);
    String os = json.path("os").asText("");
    String architecture = json.path("architecture").asText("");
    if (os.isEmpty() || architecture.isEmpty()) {
      throw new RegistryException(what + " does not name its os and architecture");
    }
    String variant = json.path("variant").asText("");
    return new Platform(os, architecture, variant.isEmpty() ? null : variant);
  }

  static Descriptor descriptor(JsonNode node, String what) {
    if (!node.isObject() || !node.path("mediaType").isTextual() || !node.path("digest").isTextual()
        || !node.path("size").canConvertToLong() || !node.path("size").isIntegralNumber()) {
      throw new RegistryException(what + " is not a descriptor with mediaType, digest and size");
    }
    Sha256 digest;
    try {
      digest = Sha256.parse(node.get("digest").asText());
    } catch (IllegalArgumentException e) {
      throw new RegistryException(what + " has an unusable digest: " + e.getMessage());
    }
    long size = node.get("size").asLong();
    if (size < 0) {
      throw new RegistryException(what + " has a negative size " + size);
    }
    return new Descriptor(node.get("mediaType").asText(), digest, size);
  }

  private static JsonNode tree(byte[] bytes, String what) {
    try {
      JsonNode json = JSON.readTree(bytes);
      if (json == null || !json.isObject()) {
        throw new RegistryException(what + " is not a JSON object");
      }
      return json;
    } catch (IOException e) {
      throw new RegistryException(what + " is not valid JSON: " + e.getMessage(), e);
    }
  }
}

package dev.sealbuild.prep.push;

import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.prep.registry.Descriptor;
import dev.sealbuild.prep.registry.MediaTypes;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An image manifest or index read from a layout: only what pushing needs (the descriptors it points to, its
 * {@code subject} and annotations). Every field is checked before use.
 *
 * @param config null for an index
 * @param subject the manifest this one refers to (OCI 1.1 referrers), or null
 */
record LayoutDocument(String mediaType, Descriptor config, List<Descriptor> layers, List<Descriptor> manifests,
                      Sha256 subject, Map<String, String> annotations) {
  static final String BASE_NAME = "org.opencontainers.image.base.name";
  static final String REF_NAME = "org.opencontainers.image.ref.name";

  /** One descriptor of index.json with its annotations (the tag is {@value #REF_NAME}). */
  record Entry(Descriptor descriptor, Map<String, String> annotations) {
    String tag() {
      return annotations.get(REF_NAME);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper(new JsonFactoryBuilder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).maxStringLength(1 << 20).build()).build());

  boolean isIndex() {
    return MediaTypes.isIndex(mediaType);
  }

  /** The blobs an image manifest needs: its config, then its layers. */
  List<Descriptor> blobs() {
    List<Descriptor> blobs = new ArrayList<>();
    if (config != null) {
      blobs.add(config);
    }
    blobs.addAll(layers);
    return blobs;
  }

  /**
   * Parses a manifest or index that a descriptor of media type {@code declared} points to; the document's own
   * {@code mediaType}, when it has one, must agree.
   */
  static LayoutDocument parse(byte[] bytes, String declared, String what) {
    if (!MediaTypes.ACCEPTED.contains(declared)) {
      throw new PushException(what + " has media type " + declared + ": only OCI and Docker v2 manifests and indexes can be pushed");
    }
    JsonNode json = tree(bytes, what);
    if (json.path("schemaVersion").asInt(-1) != 2) {
      throw new PushException(what + " has schemaVersion " + json.path("schemaVersion") + ": only schema 2 is supported");
    }
    if (json.has("mediaType") && !json.get("mediaType").asText("").equals(declared)) {
      throw new PushException(what + " says mediaType " + json.get("mediaType") + " but its descriptor says " + declared);
    }
    if (json.has("manifests") && (json.has("layers") || json.has("config"))) {
      throw new PushException(what + " has both 'manifests' and 'layers'/'config': refusing an ambiguous document");
    }
    Sha256 subject = json.has("subject") ? descriptor(json.get("subject"), what + " subject").digest() : null;
    Map<String, String> annotations = annotations(json.path("annotations"), what);
    if (MediaTypes.isIndex(declared)) {
      if (!json.path("manifests").isArray()) {
        throw new PushException(what + " is an index without a 'manifests' list");
      }
      List<Descriptor> manifests = descriptors(json.get("manifests"), what + " manifests");
      for (int i = 0; i < manifests.size(); i++) {
        if (!MediaTypes.ACCEPTED.contains(manifests.get(i).mediaType())) {
          throw new PushException(what + " manifests[" + i + "] has media type " + manifests.get(i).mediaType()
              + ": an index may list only manifests and indexes");
        }
      }
      return new LayoutDocument(declared, null, List.of(), manifests, subject, annotations);
    }
    if (!json.path("config").isObject() || !json.path("layers").isArray()) {
      throw new PushException(what + " is a manifest without 'config' and 'layers'");
    }
    return new LayoutDocument(declared, descriptor(json.get("config"), what + " config"),
        descriptors(json.get("layers"), what + " layers"), List.of(), subject, annotations);
  }

  /** The entries of a layout's index.json. */
  static List<Entry> indexJson(byte[] bytes, String what, int maxEntries) {
    JsonNode json = tree(bytes, what);
    if (json.path("schemaVersion").asInt(-1) != 2 || !json.path("manifests").isArray()) {
      throw new PushException(what + " is not an OCI index (schemaVersion 2 with a 'manifests' list)");
    }
    JsonNode manifests = json.get("manifests");
    if (manifests.size() > maxEntries) {
      throw new PushException(what + " lists " + manifests.size() + " manifests, over the limit of " + maxEntries);
    }
    List<Entry> entries = new ArrayList<>();
    for (JsonNode node : manifests) {
      String where = what + " manifests[" + entries.size() + "]";
      entries.add(new Entry(descriptor(node, where), annotations(node.path("annotations"), where)));
    }
    return entries;
  }

  private static List<Descriptor> descriptors(JsonNode array, String what) {
    List<Descriptor> list = new ArrayList<>();
    for (JsonNode node : array) {
      list.add(descriptor(node, what + "[" + list.size() + "]"));
    }
    return List.copyOf(list);
  }

  static Descriptor descriptor(JsonNode node, String what) {
    if (!node.isObject() || !node.path("mediaType").isTextual() || !node.path("digest").isTextual()
        || !node.path("size").isIntegralNumber() || !node.path("size").canConvertToLong()) {
      throw new PushException(what + " is not a descriptor with mediaType, digest and size");
    }
    Sha256 digest;
    try {
      digest = Sha256.parse(node.get("digest").asText());
    } catch (IllegalArgumentException e) {
      throw new PushException(what + " has an unusable digest: " + e.getMessage());
    }
    long size = node.get("size").asLong();
    if (size < 0) {
      throw new PushException(what + " has a negative size " + size);
    }
    return new Descriptor(node.get("mediaType").asText(), digest, size);
  }

  private static Map<String, String> annotations(JsonNode node, String what) {
    if (node.isMissingNode() || node.isNull()) {
      return Map.of();
    }
    if (!node.isObject()) {
      throw new PushException(what + " has annotations that are not an object");
    }
    Map<String, String> annotations = new TreeMap<>();
    node.fields().forEachRemaining(field -> {
      if (!field.getValue().isTextual()) {
        throw new PushException(what + " annotation " + field.getKey() + " is not a string");
      }
      annotations.put(field.getKey(), field.getValue().asText());
    });
    return Map.copyOf(annotations);
  }

  private static JsonNode tree(byte[] bytes, String what) {
    try {
      JsonNode json = JSON.readTree(bytes);
      if (json == null || !json.isObject()) {
        throw new PushException(what + " is not a JSON object");
      }
      return json;
    } catch (IOException e) {
      throw new PushException(what + " is not valid JSON: " + e.getMessage(), e);
    }
  }
}

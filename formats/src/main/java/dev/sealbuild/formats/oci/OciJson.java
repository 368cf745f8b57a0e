package dev.sealbuild.formats.oci;

import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sealbuild.formats.digest.Sha256;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/** Bounded reading of OCI JSON documents (hostile input: every field is checked before use). */
final class OciJson {
  /** The largest manifest, index, config or {@code index.json} read. */
  static final int MAX_DOCUMENT_BYTES = 8 * 1024 * 1024;
  /** The most descriptors an index or a manifest may list. */
  static final int MAX_ENTRIES = 10_000;

  static final ObjectMapper MAPPER = new ObjectMapper(new JsonFactoryBuilder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).maxStringLength(1 << 20).build())
      .build());

  private OciJson() {}

  static ObjectNode object(byte[] bytes, String what) {
    if (bytes.length > MAX_DOCUMENT_BYTES) {
      throw new OciFormatException(what + " is " + bytes.length + " bytes, over the " + MAX_DOCUMENT_BYTES
          + "-byte limit for an OCI document");
    }
    try {
      JsonNode json = MAPPER.readTree(bytes);
      if (json == null || !json.isObject()) {
        throw new OciFormatException(what + " is not a JSON object");
      }
      return (ObjectNode) json;
    } catch (IOException e) {
      throw new OciFormatException(what + " is not valid JSON: " + jsonReason(e), e);
    }
  }

  /**
   * Jackson's reason, first line only. It says "Unexpected end-of-input in null" when the document ends where no field
   * name is known yet (found by OciFuzzTest): the empty context is dropped.
   */
  static String jsonReason(IOException e) {
    String m = e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
    return firstLine(m).replace(" in null", "");
  }

  static String firstLine(String message) {
    String m = String.valueOf(message);
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  /** Text from hostile input, safe for a one-line message: controls and non-ASCII escaped, at most 100 characters. */
  static String printable(String text) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length() && out.length() < 100; i++) {
      char c = text.charAt(i);
      out.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
    }
    return out.length() < 100 ? out.toString() : out + "...";
  }

  static String text(JsonNode node, String field, String what) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw new OciFormatException(what + " has a non-string '" + field + "'");
    }
    return value.asText();
  }

  static String requiredText(JsonNode node, String field, String what) {
    String value = text(node, field, what);
    if (value == null || value.isEmpty()) {
      throw new OciFormatException(what + " has no '" + field + "'");
    }
    return value;
  }

  static Sha256 digest(String text, String what) {
    try {
      return Sha256.parse(text);
    } catch (IllegalArgumentException e) {
      throw new OciFormatException(what + " has digest '" + printable(text) + "', which is not sha256:<64 hex>");
    }
  }

  static Map<String, String> stringMap(JsonNode node, String field, String what) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return Map.of();
    }
    if (!value.isObject()) {
      throw new OciFormatException(what + " has a '" + field + "' that is not an object of strings");
    }
    Map<String, String> map = new TreeMap<>();
    value.fields().forEachRemaining(e -> {
      if (!e.getValue().isTextual()) {
        throw new OciFormatException(what + " has " + field + "." + e.getKey() + " that is not a string");
      }
      map.put(e.getKey(), e.getValue().asText());
    });
    return map;
  }

  static void putStrings(ObjectNode node, String field, Map<String, String> map) {
    if (!map.isEmpty()) {
      ObjectNode object = node.putObject(field);
      new TreeMap<>(map).forEach(object::put);
    }
  }

  /** The descriptors of a manifest's {@code layers} or an index's {@code manifests}, at most {@link #MAX_ENTRIES}. */
  static List<Descriptor> descriptors(JsonNode json, String field, String what) {
    JsonNode array = json.get(field);
    if (array.size() > MAX_ENTRIES) {
      throw new OciFormatException(what + " lists " + array.size() + " " + field + ", over the limit of " + MAX_ENTRIES);
    }
    List<Descriptor> descriptors = new ArrayList<>();
    for (JsonNode entry : array) {
      descriptors.add(Descriptor.fromJson(entry, what + " " + field + "[" + descriptors.size() + "]"));
    }
    return descriptors;
  }

  /** The {@code subject} of a manifest or index (OCI 1.1), null when it has none. */
  static Descriptor subject(JsonNode json, String what) {
    return json.hasNonNull("subject") ? Descriptor.fromJson(json.get("subject"), what + " subject") : null;
  }

  /**
   * A manifest's or an index's JSON: the fields both have, and between them, in sorted key order, the fields only
   * this kind has ({@code config} and {@code layers}, or {@code manifests}).
   */
  static ObjectNode document(MediaType mediaType, String artifactType, Descriptor subject, Map<String, String> annotations,
      Consumer<ObjectNode> ownFields) {
    ObjectNode node = MAPPER.createObjectNode();
    putStrings(node, "annotations", annotations);
    if (artifactType != null) {
      node.put("artifactType", artifactType);
    }
    ownFields.accept(node);
    node.put("mediaType", mediaType.toString());
    node.put("schemaVersion", 2);
    if (subject != null) {
      node.set("subject", subject.toJson());
    }
    return node;
  }

  static void putDescriptors(ObjectNode node, String field, List<Descriptor> descriptors) {
    ArrayNode array = node.putArray(field);
    descriptors.forEach(d -> array.add(d.toJson()));
  }

  static void checkSchemaVersion(JsonNode json, String what) {
    if (!json.path("schemaVersion").isIntegralNumber() || json.path("schemaVersion").asInt() != 2) {
      throw new OciFormatException(what + " has schemaVersion " + json.path("schemaVersion")
          + ": only schema 2 (OCI and Docker v2) is supported");
    }
  }
}

package dev.sealbuild.formats.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Canonical JSON: object keys sorted, nulls omitted, UTF-8. Two flavours: {@link #pretty} (two-space
 * indent, {@code "\n"} line ends, trailing newline) for files people read and diff, and {@link #compact}
 * for blobs whose bytes are hashed (configs, manifests).
 */
public final class CanonicalJson {
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
      .serializationInclusion(JsonInclude.Include.NON_NULL)
      .build();

  private CanonicalJson() {}

  /** The shared, immutable-once-configured mapper for reading JSON documents. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  public static byte[] compact(Object value) {
    try {
      return MAPPER.writeValueAsBytes(sortedTree(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize " + value.getClass().getSimpleName(), e);
    }
  }

  /** The value as a JSON tree with every object's keys in sorted order. */
  public static JsonNode sortedTree(Object value) {
    JsonNode tree = value instanceof JsonNode node ? node : MAPPER.valueToTree(value);
    return sort(tree);
  }

  private static JsonNode sort(JsonNode node) {
    if (node.isObject()) {
      ObjectNode sorted = MAPPER.createObjectNode();
      java.util.List<String> names = new java.util.ArrayList<>();
      node.fieldNames().forEachRemaining(names::add);
      java.util.Collections.sort(names);
      for (String name : names) {
        JsonNode child = node.get(name);
        if (!child.isNull()) {
          sorted.set(name, sort(child));
        }
      }
      return sorted;
    }
    if (node.isArray()) {
      ArrayNode array = MAPPER.createArrayNode();
      node.forEach(child -> array.add(sort(child)));
      return array;
    }
    return node;
  }

  /** Two-space indent, {@code "\n"} line ends, {@code "key": value}, empty containers as {@code []} and {@code {}}. */
  private static DefaultPrettyPrinter printer() {
    DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
    return new DefaultPrettyPrinter()
        .withObjectIndenter(indenter)
        .withArrayIndenter(indenter)
        .withSeparators(com.fasterxml.jackson.core.util.Separators.createDefaultInstance()
            .withObjectFieldValueSpacing(com.fasterxml.jackson.core.util.Separators.Spacing.AFTER)
            .withArrayEmptySeparator("")
            .withObjectEmptySeparator(""));
  }

  public static byte[] pretty(Object value) {
    try {
      String text = MAPPER.writer(printer()).writeValueAsString(sortedTree(value));
      return (text + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize " + value.getClass().getSimpleName(), e);
    }
  }

  /**
   * A UTF-8 generator that writes what {@link #pretty} writes (without the final newline) for a document written in
   * sorted key order, straight to {@code out}: for documents too large to hold as a tree. Closing it leaves
   * {@code out} open.
   */
  public static JsonGenerator prettyGenerator(OutputStream out) throws IOException {
    // pretty() renders to a String and encodes it: a character outside the BMP becomes its 4 UTF-8 bytes, not an escaped pair
    return MAPPER.writer(printer()).with(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
        .createGenerator(out, JsonEncoding.UTF8);
  }

  /** Like {@link #prettyGenerator}, but writes what {@link #compact} writes. */
  public static JsonGenerator compactGenerator(OutputStream out) throws IOException {
    return MAPPER.writer().createGenerator(out, JsonEncoding.UTF8);
  }
}

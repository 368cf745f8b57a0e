package dev.sealbuild.builder.sbom;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.sealbuild.formats.digest.DigestingOutputStream;
import dev.sealbuild.formats.json.CanonicalJson;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;

/**
 * A JSON object written field by field, keys in the order {@link CanonicalJson} sorts them, so that a document too
 * large to hold as a tree (an SBOM with a component per file) is written as it is produced. Small values are trees;
 * large arrays are {@link Streamed}: written element by element, each element a small tree.
 */
final class SortedJsonObject {
  /** A value that writes itself to a generator. */
  interface Streamed {
    void write(JsonGenerator out) throws IOException;
  }

  private final Map<String, Streamed> fields = new TreeMap<>();

  /** A field holding {@code value} (sorted as {@link CanonicalJson} sorts trees); null or a JSON null omits it. */
  SortedJsonObject put(String key, JsonNode value) {
    if (value != null && !value.isNull()) {
      JsonNode sorted = CanonicalJson.sortedTree(value);
      fields.put(key, out -> out.writeTree(sorted));
    }
    return this;
  }

  SortedJsonObject put(String key, String value) {
    return put(key, value == null ? null : TextNode.valueOf(value));
  }

  /** A field whose value {@code value} writes when the document is written (once per pass). */
  SortedJsonObject stream(String key, Streamed value) {
    fields.put(key, value);
    return this;
  }

  void write(JsonGenerator out) throws IOException {
    out.writeStartObject();
    for (Map.Entry<String, Streamed> field : fields.entrySet()) {
      out.writeFieldName(field.getKey());
      field.getValue().write(out);
    }
    out.writeEndObject();
  }

  /** Writes {@code node} sorted: the elements of a {@link Streamed} array. */
  static void writeSorted(JsonGenerator out, JsonNode node) throws IOException {
    out.writeTree(CanonicalJson.sortedTree(node));
  }

  /**
   * Writes the document {@code document} makes for an identifier, as {@link CanonicalJson#pretty} would, with its
   * identifier derived by {@link DocumentIds} from the compact form written with a zero identifier: two passes over
   * the document, the first into a hash only.
   */
  static void writeIdentified(OutputStream out, String kind, Function<UUID, SortedJsonObject> document) throws IOException {
    DigestingOutputStream hashed = new DigestingOutputStream(OutputStream.nullOutputStream());
    try (JsonGenerator compact = CanonicalJson.compactGenerator(hashed)) {
      document.apply(new UUID(0, 0)).write(compact);
    }
    UUID id = DocumentIds.of(kind, hashed.digest());
    try (JsonGenerator pretty = CanonicalJson.prettyGenerator(out)) {
      document.apply(id).write(pretty);
    }
    out.write('\n');
  }
}

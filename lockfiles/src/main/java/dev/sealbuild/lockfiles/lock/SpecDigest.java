package dev.sealbuild.lockfiles.lock;

import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.json.CanonicalJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sealbuild.lockfiles.spec.BuildSpec;

/** The digest of a normalized spec: sha256 of its canonical compact JSON, after variables and defaults. */
public final class SpecDigest {
  private SpecDigest() {}

  /** Keys that change the image but not what the lock pins: changing them must not make a lock stale. */
  private static final java.util.List<String> NOT_LOCKED = java.util.List.of("compression");

  /**
   * Empty lists and maps are left out, so a spec that does not use a key added by a later sealbuild keeps
   * its digest (and its lock stays current) across upgrades; so are the keys in {@link #NOT_LOCKED}.
   */
  public static Sha256 of(BuildSpec spec) {
    JsonNode tree = CanonicalJson.sortedTree(spec);
    if (tree instanceof ObjectNode object) {
      object.remove(NOT_LOCKED);
    }
    withoutFileMirrors(tree);
    return Sha256.hash(CanonicalJson.compact(withoutEmpty(tree)));
  }

  /** A {@code files:} entry's {@code mirrors} say where else the pinned bytes are, not what they are. */
  private static void withoutFileMirrors(JsonNode node) {
    if (node.isObject()) {
      JsonNode files = node.get("files");
      if (files != null && files.isArray()) {
        files.forEach(entry -> {
          if (entry instanceof ObjectNode object) {
            object.remove("mirrors");
          }
        });
      }
      node.forEach(SpecDigest::withoutFileMirrors);
    } else if (node.isArray()) {
      node.forEach(SpecDigest::withoutFileMirrors);
    }
  }

  private static JsonNode withoutEmpty(JsonNode node) {
    if (node.isObject()) {
      ObjectNode out = CanonicalJson.mapper().createObjectNode();
      node.fields().forEachRemaining(e -> {
        JsonNode child = withoutEmpty(e.getValue());
        if (!((child.isArray() || child.isObject()) && child.isEmpty())) {
          out.set(e.getKey(), child);
        }
      });
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = CanonicalJson.mapper().createArrayNode();
      node.forEach(child -> out.add(withoutEmpty(child)));
      return out;
    }
    return node;
  }
}

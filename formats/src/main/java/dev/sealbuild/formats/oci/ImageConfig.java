package dev.sealbuild.formats.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.json.CanonicalJson;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An image config (OCI {@code application/vnd.oci.image.config.v1+json}, Docker v2 likewise): platform, creation
 * time, the runtime {@code config} (kept as JSON, with every key a base image has, so inheritance keeps Volumes,
 * Healthcheck, Shell...), {@code rootfs.diff_ids} and {@code history}. Top-level keys this model does not name are
 * kept in {@code other} when parsed, and written back.
 *
 * @param created null when the config names no time
 * @param config the runtime config, {@code {}} when there is none
 * @param other top-level keys not named above, e.g. {@code author}, {@code container_config}
 */
public record ImageConfig(String created, Platform platform, ObjectNode config, List<Sha256> diffIds,
    List<History> history, ObjectNode other) {
  private static final Set<String> NAMED = Set.of("created", "os", "architecture", "variant", "config", "rootfs", "history");

  public ImageConfig {
    java.util.Objects.requireNonNull(platform, "platform");
    config = config == null ? OciJson.MAPPER.createObjectNode() : config.deepCopy();
    diffIds = List.copyOf(diffIds);
    history = List.copyOf(history);
    other = other == null ? OciJson.MAPPER.createObjectNode() : other.deepCopy();
  }

  @Override
  public ObjectNode config() {
    return config.deepCopy();
  }

  @Override
  public ObjectNode other() {
    return other.deepCopy();
  }

  /**
   * One {@code history} entry: who made a layer and when; an entry read from a base image keeps its other keys
   * ({@code comment}, {@code author}, {@code empty_layer}...) in {@code other}.
   */
  public record History(String created, String createdBy, ObjectNode other) {
    public History {
      other = other == null ? OciJson.MAPPER.createObjectNode() : other.deepCopy();
    }

    public History(String created, String createdBy) {
      this(created, createdBy, null);
    }

    @Override
    public ObjectNode other() {
      return other.deepCopy();
    }

    /** True when the entry says it made no layer ({@code empty_layer: true}). */
    public boolean emptyLayer() {
      return other.path("empty_layer").asBoolean(false);
    }

    static History fromJson(JsonNode node, String what) {
      if (!node.isObject()) {
        throw new OciFormatException(what + " is not an object");
      }
      ObjectNode other = ((ObjectNode) node).deepCopy();
      other.remove(List.of("created", "created_by"));
      return new History(OciJson.text(node, "created", what), OciJson.text(node, "created_by", what), other);
    }

    ObjectNode toJson() {
      ObjectNode node = other.deepCopy();
      if (created != null) {
        node.put("created", created);
      }
      if (createdBy != null) {
        node.put("created_by", createdBy);
      }
      return node;
    }
  }

  /** Parses a config; it must name its os and architecture. Errors are one line naming {@code what}. */
  public static ImageConfig parse(byte[] bytes, String what) {
    ObjectNode json = OciJson.object(bytes, what);
    Platform platform = Platform.fromJson(json);
    if (platform == null) {
      throw new OciFormatException(what + " does not name a usable os and architecture");
    }
    JsonNode config = json.get("config");
    if (config != null && !config.isNull() && !config.isObject()) {
      throw new OciFormatException(what + " has a 'config' that is not an object");
    }
    JsonNode rootfs = json.path("rootfs");
    List<Sha256> diffIds = new ArrayList<>();
    if (rootfs.has("diff_ids")) {
      if (!rootfs.get("diff_ids").isArray() || rootfs.get("diff_ids").size() > OciJson.MAX_ENTRIES) {
        throw new OciFormatException(what + " has a rootfs.diff_ids that is not a list of at most "
            + OciJson.MAX_ENTRIES + " digests");
      }
      for (JsonNode id : rootfs.get("diff_ids")) {
        String where = what + " rootfs.diff_ids[" + diffIds.size() + "]";
        if (!id.isTextual()) {
          throw new OciFormatException(where + " is not a digest");
        }
        diffIds.add(OciJson.digest(id.asText(), where));
      }
    }
    List<History> history = new ArrayList<>();
    JsonNode historyNode = json.get("history");
    if (historyNode != null && !historyNode.isNull()) {
      if (!historyNode.isArray() || historyNode.size() > OciJson.MAX_ENTRIES) {
        throw new OciFormatException(what + " has a history that is not a list of at most " + OciJson.MAX_ENTRIES
            + " entries");
      }
      for (JsonNode entry : historyNode) {
        history.add(History.fromJson(entry, what + " history[" + history.size() + "]"));
      }
    }
    ObjectNode other = OciJson.MAPPER.createObjectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!NAMED.contains(e.getKey())) {
        other.set(e.getKey(), e.getValue());
      }
    }
    return new ImageConfig(OciJson.text(json, "created", what), platform,
        config == null || config.isNull() ? null : (ObjectNode) config, diffIds, history, other);
  }

  public ObjectNode toJson() {
    ObjectNode node = other.deepCopy();
    if (created != null) {
      node.put("created", created);
    }
    node.put("architecture", platform.architecture());
    if (platform.variant() != null) {
      node.put("variant", platform.variant());
    }
    node.put("os", platform.os());
    node.set("config", config.deepCopy());
    ObjectNode rootfs = node.putObject("rootfs");
    rootfs.put("type", "layers");
    ArrayNode ids = rootfs.putArray("diff_ids");
    diffIds.forEach(id -> ids.add(id.toString()));
    ArrayNode entries = node.putArray("history");
    history.forEach(h -> entries.add(h.toJson()));
    return node;
  }

  /** The canonical bytes: compact, keys sorted, UTF-8. */
  public byte[] toBytes() {
    return CanonicalJson.compact(toJson());
  }
}

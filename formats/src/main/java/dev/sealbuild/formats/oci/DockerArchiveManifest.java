package dev.sealbuild.formats.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sealbuild.formats.json.CanonicalJson;
import java.util.ArrayList;
import java.util.List;

/**
 * One image of a {@code docker save} archive's {@code manifest.json}: the config file's name, the image's tags and
 * its layer tars' names, lowest first. Names are as the archive writes them; a reader checks them before use.
 */
public record DockerArchiveManifest(String config, List<String> repoTags, List<String> layers) {
  public static final String FILE = "manifest.json";

  public DockerArchiveManifest {
    if (config == null || config.isEmpty()) {
      throw new OciFormatException("a docker-archive manifest.json entry needs a Config");
    }
    repoTags = List.copyOf(repoTags);
    layers = List.copyOf(layers);
  }

  /** The bytes of a {@code manifest.json} listing {@code images}: canonical JSON. */
  public static byte[] toBytes(List<DockerArchiveManifest> images) {
    ArrayNode array = OciJson.MAPPER.createArrayNode();
    for (DockerArchiveManifest image : images) {
      ObjectNode node = array.addObject();
      node.put("Config", image.config);
      image.layers.forEach(node.putArray("Layers")::add);
      image.repoTags.forEach(node.putArray("RepoTags")::add);
    }
    return CanonicalJson.compact(array);
  }

  /** Reads a {@code manifest.json}; a one-line error naming {@code what}. */
  public static List<DockerArchiveManifest> parse(byte[] bytes, String what) {
    if (bytes.length > OciJson.MAX_DOCUMENT_BYTES) {
      throw new OciFormatException(what + " is over the " + OciJson.MAX_DOCUMENT_BYTES + "-byte limit");
    }
    JsonNode json;
    try {
      json = OciJson.MAPPER.readTree(bytes);
    } catch (java.io.IOException e) {
      throw new OciFormatException(what + " is not valid JSON: " + OciJson.jsonReason(e), e);
    }
    if (json == null || !json.isArray() || json.size() > OciJson.MAX_ENTRIES) {
      throw new OciFormatException(what + " is not a list of images");
    }
    List<DockerArchiveManifest> images = new ArrayList<>();
    for (JsonNode entry : json) {
      String where = what + "[" + images.size() + "]";
      if (!entry.isObject()) {
        throw new OciFormatException(where + " is not an object");
      }
      images.add(new DockerArchiveManifest(OciJson.requiredText(entry, "Config", where), strings(entry, "RepoTags", where),
          strings(entry, "Layers", where)));
    }
    return images;
  }

  private static List<String> strings(JsonNode entry, String field, String what) {
    JsonNode node = entry.get(field);
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray() || node.size() > OciJson.MAX_ENTRIES) {
      throw new OciFormatException(what + " has a " + field + " that is not a list of names");
    }
    List<String> names = new ArrayList<>();
    for (JsonNode name : node) {
      if (!name.isTextual()) {
        throw new OciFormatException(what + " " + field + "[" + names.size() + "] is not a string");
      }
      names.add(name.asText());
    }
    return names;
  }
}

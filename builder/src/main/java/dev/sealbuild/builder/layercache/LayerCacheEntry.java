package dev.sealbuild.builder.layercache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.json.CanonicalJson;
import java.io.IOException;

/** One cached layer: its compressed blob (digest, size, media type), its tar (diff_id, size) and how many entries. */
public record LayerCacheEntry(Sha256 digest, long size, Sha256 diffId, long uncompressedSize, String mediaType, long entries) {
  static final int FORMAT = 1;

  public byte[] toBytes() {
    ObjectNode json = CanonicalJson.mapper().createObjectNode();
    json.put("format", FORMAT);
    json.put("digest", digest.toString());
    json.put("size", size);
    json.put("diff_id", diffId.toString());
    json.put("uncompressed_size", uncompressedSize);
    json.put("media_type", mediaType);
    json.put("entries", entries);
    return CanonicalJson.compact(json);
  }

  /** Parses an entry file; any deviation (unknown format, missing field, bad digest) is an IOException. */
  public static LayerCacheEntry parse(byte[] bytes) throws IOException {
    try {
      JsonNode json = CanonicalJson.mapper().readTree(bytes);
      if (json == null || !json.isObject() || json.path("format").asInt() != FORMAT) {
        throw new IOException("not a layer-cache entry of format " + FORMAT);
      }
      long size = number(json, "size");
      long uncompressed = number(json, "uncompressed_size");
      String mediaType = json.path("media_type").asText("");
      if (mediaType.isEmpty()) {
        throw new IOException("media_type missing");
      }
      return new LayerCacheEntry(Sha256.parse(json.path("digest").asText()), size,
          Sha256.parse(json.path("diff_id").asText()), uncompressed, mediaType, number(json, "entries"));
    } catch (IllegalArgumentException e) {
      throw new IOException(e.getMessage(), e);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IOException("not JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static long number(JsonNode json, String field) throws IOException {
    JsonNode n = json.get(field);
    if (n == null || !n.canConvertToLong() || n.asLong() < 0) {
      throw new IOException(field + " missing or negative");
    }
    return n.asLong();
  }
}

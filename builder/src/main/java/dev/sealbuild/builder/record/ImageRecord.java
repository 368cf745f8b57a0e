package dev.sealbuild.builder.record;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.json.CanonicalJson;
import dev.sealbuild.formats.oci.Descriptor;
import dev.sealbuild.formats.oci.Platform;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code build image} made from one set of inputs, so that the same inputs give the same image without being
 * read again: what else the inputs were (the environment variables the spec expanded, the local {@code copy:}
 * sources and their digest), the spec's name and epoch (the outputs need them), and the image itself (its root
 * descriptor, each platform's manifest descriptor and layer sizes, its referrers, the provenance document and every
 * blob, all kept content-addressed in the cache).
 *
 * @param variables each variable the spec read, with its value (null: unset)
 * @param provenance the unsigned provenance document's blob, or null when none was asked for
 */
public record ImageRecord(Map<String, String> variables, List<String> sources, Sha256 sourcesDigest, String name,
    long sourceDateEpoch, Descriptor root, List<RecordedPlatform> platforms, List<Descriptor> referrers,
    List<Sha256> blobs, Sha256 provenance) {
  static final int FORMAT = 1;

  /** One platform: the platform, its manifest's descriptor, and the uncompressed size of each layer. */
  public record RecordedPlatform(Platform platform, Descriptor manifest, List<Long> uncompressedSizes) {
    public RecordedPlatform {
      uncompressedSizes = List.copyOf(uncompressedSizes);
    }
  }

  public ImageRecord {
    variables = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(variables));
    sources = List.copyOf(sources);
    platforms = List.copyOf(platforms);
    referrers = List.copyOf(referrers);
    blobs = List.copyOf(blobs);
  }

  byte[] toBytes() {
    ObjectNode json = CanonicalJson.mapper().createObjectNode();
    json.put("format", FORMAT);
    ObjectNode vars = json.putObject("variables");
    variables.forEach(vars::put);
    ArrayNode src = json.putArray("sources");
    sources.forEach(src::add);
    json.put("sources_digest", sourcesDigest.toString());
    json.put("name", name);
    json.put("source_date_epoch", sourceDateEpoch);
    json.set("root", root.toJson());
    ArrayNode plats = json.putArray("platforms");
    for (RecordedPlatform p : platforms) {
      ObjectNode node = plats.addObject();
      node.put("platform", p.platform().toString());
      node.set("manifest", p.manifest().toJson());
      ArrayNode sizes = node.putArray("uncompressed_sizes");
      p.uncompressedSizes().forEach(sizes::add);
    }
    ArrayNode refs = json.putArray("referrers");
    referrers.forEach(r -> refs.add(r.toJson()));
    ArrayNode blobList = json.putArray("blobs");
    blobs.forEach(b -> blobList.add(b.toString()));
    if (provenance != null) {
      json.put("provenance", provenance.toString());
    }
    return CanonicalJson.compact(json);
  }

  /** Parses a record; anything unexpected is an IOException (the record is then dropped). */
  static ImageRecord parse(byte[] bytes) throws IOException {
    try {
      JsonNode json = CanonicalJson.mapper().readTree(bytes);
      if (json == null || !json.isObject() || json.path("format").asInt() != FORMAT) {
        throw new IOException("not an image record of format " + FORMAT);
      }
      Map<String, String> variables = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = json.path("variables").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        variables.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText());
      }
      List<String> sources = new ArrayList<>();
      json.path("sources").forEach(s -> sources.add(s.asText()));
      List<RecordedPlatform> platforms = new ArrayList<>();
      for (JsonNode p : json.path("platforms")) {
        List<Long> sizes = new ArrayList<>();
        p.path("uncompressed_sizes").forEach(s -> sizes.add(s.asLong()));
        platforms.add(new RecordedPlatform(Platform.parse(p.path("platform").asText()),
            Descriptor.fromJson(p.path("manifest"), "recorded manifest"), sizes));
      }
      List<Descriptor> referrers = new ArrayList<>();
      json.path("referrers").forEach(r -> referrers.add(Descriptor.fromJson(r, "recorded referrer")));
      List<Sha256> blobs = new ArrayList<>();
      json.path("blobs").forEach(b -> blobs.add(Sha256.parse(b.asText())));
      JsonNode provenance = json.get("provenance");
      if (platforms.isEmpty() || !json.path("name").isTextual()) {
        throw new IOException("incomplete image record");
      }
      return new ImageRecord(variables, sources, Sha256.parse(json.path("sources_digest").asText()),
          json.get("name").asText(), json.path("source_date_epoch").asLong(),
          Descriptor.fromJson(json.path("root"), "recorded root"), platforms, referrers, blobs,
          provenance == null ? null : Sha256.parse(provenance.asText()));
    } catch (IllegalArgumentException | dev.sealbuild.formats.UserError e) {
      throw new IOException(e.getMessage(), e);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IOException("not JSON: " + e.getOriginalMessage(), e);
    }
  }
}

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
 * @param inputs the vendor-cache blobs the build read (packages, files, base): a hit needs them present, as a build does
 * @param blobs every blob of the image
 * @param provenance the unsigned provenance document's blob, or null when none was asked for
 */
public record ImageRecord(Map<String, String> variables, List<Sha256> inputs, List<String> sources, Sha256 sourcesDigest,
    String name,
    long sourceDateEpoch, Descriptor root, List<RecordedPlatform> platforms, List<Descriptor> referrers,
    List<RecordedBlob> blobs, RecordedBlob provenance) {
  static final int FORMAT = 1;

  /**
   * A blob by its digest, with its size and CRC-32C: what a hit checks before it uses the blob. The digest names the
   * blob in the image (and was computed from its bytes when it was written); the CRC, which the JVM computes about as
   * fast as it reads, finds damage done since, without SHA-256's cost in a JVM that has just started.
   */
  public record RecordedBlob(Sha256 digest, long size, long crc32c) {}

  /** The image's blob digests, in order. */
  public List<Sha256> blobDigests() {
    return blobs.stream().map(RecordedBlob::digest).toList();
  }

  /** One platform: the platform, its manifest's descriptor, and the uncompressed size of each layer. */
  public record RecordedPlatform(Platform platform, Descriptor manifest, List<Long> uncompressedSizes) {
    public RecordedPlatform {
      uncompressedSizes = List.copyOf(uncompressedSizes);
    }
  }

  public ImageRecord {
    variables = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(variables));
    inputs = List.copyOf(inputs);
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
    ArrayNode in = json.putArray("inputs");
    inputs.forEach(d -> in.add(d.toString()));
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
    blobs.forEach(b -> blob(blobList.addObject(), b));
    if (provenance != null) {
      blob(json.putObject("provenance"), provenance);
    }
    return CanonicalJson.compact(json);
  }

  private static void blob(ObjectNode node, RecordedBlob blob) {
    node.put("digest", blob.digest().toString());
    node.put("size", blob.size());
    node.put("crc32c", blob.crc32c());
  }

  private static RecordedBlob blob(JsonNode node) throws IOException {
    if (!node.path("size").canConvertToLong() || !node.path("crc32c").canConvertToLong()) {
      throw new IOException("a recorded blob needs digest, size and crc32c");
    }
    return new RecordedBlob(Sha256.parse(node.path("digest").asText()), node.get("size").asLong(),
        node.get("crc32c").asLong());
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
      List<Sha256> inputs = new ArrayList<>();
      json.path("inputs").forEach(d -> inputs.add(Sha256.parse(d.asText())));
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
      List<RecordedBlob> blobs = new ArrayList<>();
      for (JsonNode b : json.path("blobs")) {
        blobs.add(blob(b));
      }
      JsonNode provenance = json.get("provenance");
      if (platforms.isEmpty() || !json.path("name").isTextual()) {
        throw new IOException("incomplete image record");
      }
      return new ImageRecord(variables, inputs, sources, Sha256.parse(json.path("sources_digest").asText()),
          json.get("name").asText(), json.path("source_date_epoch").asLong(),
          Descriptor.fromJson(json.path("root"), "recorded root"), platforms, referrers, blobs,
          provenance == null ? null : blob(provenance));
    } catch (IllegalArgumentException | dev.sealbuild.formats.UserError e) {
      throw new IOException(e.getMessage(), e);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IOException("not JSON: " + e.getOriginalMessage(), e);
    }
  }
}

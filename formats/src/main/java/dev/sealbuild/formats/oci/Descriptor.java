package dev.sealbuild.formats.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sealbuild.formats.digest.Sha256;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An OCI content descriptor. {@code mediaType} is kept as written, so a type sealbuild only passes through (a
 * referrer's SBOM type) survives; {@link #type()} reads it as a {@link MediaType}.
 *
 * @param platform null when the descriptor names none
 * @param artifactType null when the descriptor names none
 */
public record Descriptor(String mediaType, Sha256 digest, long size, Map<String, String> annotations, Platform platform,
    String artifactType) {
  public Descriptor {
    if (mediaType == null || mediaType.isEmpty()) {
      throw new OciFormatException("descriptor of " + digest + " has no media type");
    }
    Objects.requireNonNull(digest, "digest");
    if (size < 0) {
      throw new OciFormatException("descriptor of " + digest + " has a negative size " + size);
    }
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
  }

  public static Descriptor of(MediaType mediaType, Sha256 digest, long size) {
    return new Descriptor(mediaType.toString(), digest, size, Map.of(), null, null);
  }

  public static Descriptor of(String mediaType, Sha256 digest, long size) {
    return new Descriptor(mediaType, digest, size, Map.of(), null, null);
  }

  /** The media type as a known type; a one-line error for one sealbuild does not read. */
  public MediaType type() {
    return MediaType.parse(mediaType);
  }

  public Optional<MediaType> knownType() {
    return MediaType.find(mediaType);
  }

  public boolean is(MediaType type) {
    return type.toString().equals(mediaType);
  }

  public Descriptor withAnnotations(Map<String, String> newAnnotations) {
    return new Descriptor(mediaType, digest, size, newAnnotations, platform, artifactType);
  }

  public Descriptor withPlatform(Platform newPlatform) {
    return new Descriptor(mediaType, digest, size, annotations, newPlatform, artifactType);
  }

  public Descriptor withArtifactType(String newArtifactType) {
    return new Descriptor(mediaType, digest, size, annotations, platform, newArtifactType);
  }

  /** Just what identifies the content: media type, digest, size (e.g. a manifest's {@code subject}). */
  public Descriptor bare() {
    return new Descriptor(mediaType, digest, size, Map.of(), null, null);
  }

  /** Reads a descriptor; {@code what} names it in the one-line error, e.g. {@code "manifest ... layers[2]"}. */
  public static Descriptor fromJson(JsonNode node, String what) {
    if (node == null || !node.isObject() || !node.path("mediaType").isTextual() || !node.path("digest").isTextual()
        || !node.path("size").isIntegralNumber() || !node.path("size").canConvertToLong()) {
      throw new OciFormatException(what + " is not a descriptor with mediaType, digest and size");
    }
    Sha256 digest = OciJson.digest(node.get("digest").asText(), what);
    long size = node.get("size").asLong();
    if (size < 0) {
      throw new OciFormatException(what + " has a negative size " + size);
    }
    String mediaType = node.get("mediaType").asText();
    if (mediaType.isEmpty()) {
      throw new OciFormatException(what + " has an empty mediaType");
    }
    return new Descriptor(mediaType, digest, size, OciJson.stringMap(node, "annotations", what),
        Platform.fromJson(node.get("platform")), OciJson.text(node, "artifactType", what));
  }

  public ObjectNode toJson() {
    ObjectNode node = OciJson.MAPPER.createObjectNode();
    OciJson.putStrings(node, "annotations", annotations);
    if (artifactType != null) {
      node.put("artifactType", artifactType);
    }
    node.put("digest", digest.toString());
    node.put("mediaType", mediaType);
    if (platform != null) {
      node.set("platform", platform.toJson());
    }
    node.put("size", size);
    return node;
  }
}

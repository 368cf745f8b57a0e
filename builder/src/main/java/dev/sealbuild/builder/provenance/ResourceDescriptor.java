package dev.sealbuild.builder.provenance;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.sealbuild.formats.digest.Sha256;
import java.util.Map;

/**
 * An in-toto v1 ResourceDescriptor: a subject or a dependency, by {@code uri} and/or {@code name}, with its
 * {@code digest} ({@code {"sha256": hex}}). Empty fields are left out.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ResourceDescriptor(
    @JsonProperty("uri") String uri,
    @JsonProperty("name") String name,
    @JsonProperty("digest") Map<String, String> digest,
    @JsonProperty("mediaType") String mediaType,
    @JsonProperty("annotations") Map<String, String> annotations) {

  public ResourceDescriptor {
    digest = digest == null ? Map.of() : Map.copyOf(digest);
    if (uri == null && digest.isEmpty()) {
      throw new IllegalArgumentException("a resource descriptor needs a uri or a digest");
    }
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
  }

  ResourceDescriptor withAnnotation(String key, String value) {
    Map<String, String> more = new java.util.HashMap<>(annotations);
    more.put(key, value);
    return new ResourceDescriptor(uri, name, digest, mediaType, more);
  }

  static ResourceDescriptor of(String uri, String name, Sha256 sha256, String mediaType, Map<String, String> annotations) {
    return new ResourceDescriptor(uri, name, Map.of("sha256", sha256.hex()), mediaType, annotations);
  }

  /** The sha256 hex this descriptor pins, or null. */
  public String sha256() {
    return digest.get("sha256");
  }
}

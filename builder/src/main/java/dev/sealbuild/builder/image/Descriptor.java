package dev.sealbuild.builder.image;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.sealbuild.formats.digest.Sha256;
import java.util.Map;

/** An OCI content descriptor. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Descriptor(
    @JsonProperty("mediaType") String mediaType,
    @JsonProperty("digest") Sha256 digest,
    @JsonProperty("size") long size,
    @JsonProperty("platform") Map<String, String> platform,
    @JsonProperty("annotations") Map<String, String> annotations,
    @JsonProperty("artifactType") String artifactType) {

  public Descriptor(String mediaType, Sha256 digest, long size, Map<String, String> platform, Map<String, String> annotations) {
    this(mediaType, digest, size, platform, annotations, null);
  }

  public Descriptor withAnnotations(Map<String, String> newAnnotations) {
    return new Descriptor(mediaType, digest, size, platform, newAnnotations, artifactType);
  }
}

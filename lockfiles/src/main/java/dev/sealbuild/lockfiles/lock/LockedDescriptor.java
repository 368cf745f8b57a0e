package dev.sealbuild.lockfiles.lock;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.sealbuild.formats.digest.Sha256;
import java.util.Objects;

/** An OCI content descriptor pinned in the lock: media type, digest and exact size of a manifest or blob. */
public record LockedDescriptor(String mediaType, Sha256 digest, long size) {
  @JsonCreator
  public LockedDescriptor(
      @JsonProperty(value = "mediaType", required = true) String mediaType,
      @JsonProperty(value = "digest", required = true) Sha256 digest,
      @JsonProperty(value = "size", required = true) long size) {
    if (mediaType == null || mediaType.isBlank() || mediaType.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
      throw new IllegalArgumentException("mediaType '" + mediaType + "' is not a media type");
    }
    if (size < 0) {
      throw new IllegalArgumentException("size of " + digest + " must not be negative");
    }
    this.mediaType = mediaType;
    this.digest = Objects.requireNonNull(digest, "digest");
    this.size = size;
  }
}

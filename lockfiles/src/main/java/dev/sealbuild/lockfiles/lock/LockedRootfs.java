package dev.sealbuild.lockfiles.lock;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.sealbuild.formats.digest.Sha256;
import java.util.Objects;

/** The pinned root-filesystem tarball: its source (URL or local path as written in the spec) and digest. */
public record LockedRootfs(String source, Sha256 sha256, Long size) {
  @JsonCreator
  public LockedRootfs(
      @JsonProperty(value = "source", required = true) String source,
      @JsonProperty(value = "sha256", required = true) Sha256 sha256,
      @JsonProperty("size") Long size) {
    this.source = Objects.requireNonNull(source, "source");
    this.sha256 = Objects.requireNonNull(sha256, "sha256");
    this.size = size;
  }
}

package dev.sealbuild.lockfiles.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/** A local file or directory, relative to the spec's directory, copied to {@code dest}. */
public record CopyEntry(String src, ImagePath dest, FileMode mode, Owner owner) {
  @JsonCreator
  public CopyEntry(
      @JsonProperty(value = "src", required = true) String src,
      @JsonProperty(value = "dest", required = true) ImagePath dest,
      @JsonProperty("mode") FileMode mode,
      @JsonProperty("owner") Owner owner) {
    if (src == null || src.isBlank()) {
      throw new IllegalArgumentException("src must name a file or directory next to the spec");
    }
    this.src = src;
    this.dest = dest;
    this.mode = mode;
    this.owner = owner == null ? Owner.ROOT : owner;
  }
}

package dev.sealbuild.lockfiles.lock;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.sealbuild.formats.digest.Sha256;
import java.util.Objects;

/** A pinned {@code files:} entry: the URL it was fetched from, and what its bytes must hash to. */
public record LockedFile(String url, Sha256 sha256, Long size) implements Comparable<LockedFile> {
  @JsonCreator
  public LockedFile(
      @JsonProperty(value = "url", required = true) String url,
      @JsonProperty(value = "sha256", required = true) Sha256 sha256,
      @JsonProperty("size") Long size) {
    this.url = Objects.requireNonNull(url, "url");
    this.sha256 = Objects.requireNonNull(sha256, "sha256");
    if (size != null && size < 0) {
      throw new IllegalArgumentException("size must not be negative");
    }
    this.size = size;
  }

  @Override
  public int compareTo(LockedFile o) {
    int c = url.compareTo(o.url);
    return c != 0 ? c : sha256.compareTo(o.sha256);
  }
}

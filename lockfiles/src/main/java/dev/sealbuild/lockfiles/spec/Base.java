package dev.sealbuild.lockfiles.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;

/** What the image starts from: {@code scratch} (nothing) or a root-filesystem tarball. */
public record Base(RootfsSource rootfs) {
  public static final Base SCRATCH = new Base(null);

  @JsonCreator
  public Base(@JsonProperty(value = "rootfs", required = true) RootfsSource rootfs) {
    this.rootfs = rootfs;
  }

  @JsonCreator
  public static Base fromWord(String word) {
    if ("scratch".equals(word)) {
      return SCRATCH;
    }
    throw new IllegalArgumentException("base must be 'scratch' or {rootfs: {url|path, sha256}}, got '" + word + "'");
  }

  @JsonIgnore
  public boolean isScratch() {
    return rootfs == null;
  }

  @JsonValue
  public Object json() {
    return isScratch() ? "scratch" : java.util.Map.of("rootfs", rootfs);
  }
}

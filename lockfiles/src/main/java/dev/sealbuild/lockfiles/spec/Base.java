package dev.sealbuild.lockfiles.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Map;

/**
 * What the image starts from: {@code scratch} (nothing), a root-filesystem tarball, or an image in a registry
 * ({@code image: host/repo:tag}, {@code host/repo@sha256:...} or {@code host/repo:tag@sha256:...}).
 */
public record Base(RootfsSource rootfs, String image) {
  public static final Base SCRATCH = new Base(null, null);

  public Base {
    if (rootfs != null && image != null) {
      throw new IllegalArgumentException("base takes one of 'rootfs' or 'image', not both");
    }
    if (image != null && (image.isBlank() || image.chars().anyMatch(c -> c <= ' ' || c == 0x7f))) {
      throw new IllegalArgumentException("base image '" + image + "' must be a reference like registry.example.com/library/alpine:3.20");
    }
  }

  @JsonCreator
  static Base fromFields(@JsonProperty("rootfs") RootfsSource rootfs, @JsonProperty("image") String image) {
    if (rootfs == null && image == null) {
      throw new IllegalArgumentException("base needs 'rootfs' or 'image' (or write base: scratch)");
    }
    return new Base(rootfs, image);
  }

  public Base(RootfsSource rootfs) {
    this(rootfs, null);
  }

  /** A base image by reference. */
  public static Base image(String reference) {
    return new Base(null, reference);
  }

  @JsonCreator
  public static Base fromWord(String word) {
    if ("scratch".equals(word)) {
      return SCRATCH;
    }
    throw new IllegalArgumentException("base must be 'scratch', {rootfs: {url|path, sha256}} or {image: REFERENCE}, got '" + word + "'");
  }

  @JsonIgnore
  public boolean isScratch() {
    return rootfs == null && image == null;
  }

  @JsonIgnore
  public boolean isImage() {
    return image != null;
  }

  @JsonValue
  public Object json() {
    if (isScratch()) {
      return "scratch";
    }
    return image != null ? Map.of("image", image) : Map.of("rootfs", rootfs);
  }
}

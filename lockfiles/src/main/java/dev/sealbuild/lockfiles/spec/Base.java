package dev.sealbuild.lockfiles.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Map;

/**
 * What the image (or a stage) starts from: {@code scratch} (nothing), a root-filesystem tarball, an image in a
 * registry ({@code image: host/repo:tag}, {@code host/repo@sha256:...} or {@code host/repo:tag@sha256:...}), or the
 * finished tree of a stage of the same spec ({@code stage: NAME}, Dockerfile's {@code FROM build AS final}).
 */
public record Base(RootfsSource rootfs, String image, String stage) {
  public static final Base SCRATCH = new Base(null, null, null);

  public Base {
    int given = (rootfs != null ? 1 : 0) + (image != null ? 1 : 0) + (stage != null ? 1 : 0);
    if (given > 1) {
      throw new IllegalArgumentException("base takes one of 'rootfs', 'image' or 'stage', not several");
    }
    if (image != null && (image.isBlank() || image.chars().anyMatch(c -> c <= ' ' || c == 0x7f))) {
      throw new IllegalArgumentException("base image '" + image + "' must be a reference like registry.example.com/library/alpine:3.20");
    }
    if (stage != null && !stage.matches(BuildSpec.STAGE_NAME)) {
      throw new IllegalArgumentException("base stage '" + stage + "' must name a stage under stages: (lowercase letters, digits, '.', '_' or '-')");
    }
  }

  @JsonCreator
  static Base fromFields(@JsonProperty("rootfs") RootfsSource rootfs, @JsonProperty("image") String image,
      @JsonProperty("stage") String stage) {
    if (rootfs == null && image == null && stage == null) {
      throw new IllegalArgumentException("base needs 'rootfs', 'image' or 'stage' (or write base: scratch)");
    }
    return new Base(rootfs, image, stage);
  }

  public Base(RootfsSource rootfs) {
    this(rootfs, null, null);
  }

  public Base(RootfsSource rootfs, String image) {
    this(rootfs, image, null);
  }

  /** A base image by reference. */
  public static Base image(String reference) {
    return new Base(null, reference, null);
  }

  /** The finished tree of stage {@code name}. */
  public static Base stage(String name) {
    return new Base(null, null, name);
  }

  @JsonCreator
  public static Base fromWord(String word) {
    if ("scratch".equals(word)) {
      return SCRATCH;
    }
    throw new IllegalArgumentException("base must be 'scratch', {rootfs: {url|path, sha256}}, {image: REFERENCE} or {stage: NAME}, got '" + word + "'");
  }

  @JsonIgnore
  public boolean isScratch() {
    return rootfs == null && image == null && stage == null;
  }

  @JsonIgnore
  public boolean isImage() {
    return image != null;
  }

  @JsonIgnore
  public boolean isStage() {
    return stage != null;
  }

  @JsonValue
  public Object json() {
    if (isScratch()) {
      return "scratch";
    }
    if (stage != null) {
      return Map.of("stage", stage);
    }
    return image != null ? Map.of("image", image) : Map.of("rootfs", rootfs);
  }
}

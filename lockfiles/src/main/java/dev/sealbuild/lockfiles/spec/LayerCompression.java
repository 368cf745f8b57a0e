package dev.sealbuild.lockfiles.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.sealbuild.formats.compress.Compression;

/**
 * How the layers the spec adds are compressed. It changes the image, not what the lock pins: {@code SpecDigest}
 * leaves it out, so switching it never makes a lock stale. Base image layers keep their own compression.
 */
public enum LayerCompression {
  GZIP("gzip", Compression.GZIP),
  ZSTD("zstd", Compression.ZSTD);

  private final String word;
  private final Compression compression;

  LayerCompression(String word, Compression compression) {
    this.word = word;
    this.compression = compression;
  }

  @JsonCreator
  public static LayerCompression parse(String text) {
    for (LayerCompression c : values()) {
      if (c.word.equals(text)) {
        return c;
      }
    }
    throw new IllegalArgumentException("compression must be 'gzip' or 'zstd', got '" + text + "'");
  }

  @JsonValue
  public String word() {
    return word;
  }

  public Compression compression() {
    return compression;
  }
}

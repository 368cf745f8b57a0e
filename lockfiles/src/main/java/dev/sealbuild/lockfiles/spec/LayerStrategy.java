package dev.sealbuild.lockfiles.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** How added content is split into layers. Base layers are always kept as they are. */
public enum LayerStrategy {
  /** Everything the spec adds goes into one layer. */
  SQUASH("squash"),
  /** One layer per entry (each file, copy, and later each package), in declared order. */
  PER_SOURCE("per-source");

  private final String word;

  LayerStrategy(String word) {
    this.word = word;
  }

  @JsonCreator
  public static LayerStrategy parse(String text) {
    for (LayerStrategy s : values()) {
      if (s.word.equals(text)) {
        return s;
      }
    }
    throw new IllegalArgumentException("layers must be 'squash' or 'per-source', got '" + text + "'");
  }

  @JsonValue
  public String word() {
    return word;
  }
}

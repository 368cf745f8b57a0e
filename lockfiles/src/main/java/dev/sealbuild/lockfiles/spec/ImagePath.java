package dev.sealbuild.lockfiles.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * An absolute path inside the image, as written in the spec ({@code dest}). Must start with {@code /} and
 * may not contain {@code ..}, empty or {@code .} components (a trailing {@code /} is kept: it means "into
 * this directory").
 */
public record ImagePath(String value) {
  public ImagePath {
    if (value == null || !value.startsWith("/")) {
      throw new IllegalArgumentException("dest '" + value + "' must be an absolute path inside the image, such as /usr/share/app");
    }
    if (value.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("dest contains a NUL character");
    }
    String trimmed = value.endsWith("/") && value.length() > 1 ? value.substring(0, value.length() - 1) : value;
    if (!trimmed.equals("/")) {
      for (String part : trimmed.substring(1).split("/", -1)) {
        if (part.isEmpty() || part.equals(".") || part.equals("..")) {
          throw new IllegalArgumentException("dest '" + value + "' must be a normalized absolute path (no '', '.' or '..' components)");
        }
      }
    }
  }

  @JsonCreator
  public static ImagePath of(String value) {
    return new ImagePath(value);
  }

  public boolean isDirectoryHint() {
    return value.endsWith("/");
  }

  /** The path without leading or trailing slash; empty for the root. */
  public String relative() {
    String s = value.substring(1);
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  @JsonValue
  @Override
  public String toString() {
    return value;
  }
}

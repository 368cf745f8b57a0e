package dev.sealbuild.lockfiles.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.regex.Pattern;

/** An OCI platform, {@code os/architecture[/variant]}, such as {@code linux/amd64} or {@code linux/arm/v7}. */
public record Platform(String os, String architecture, String variant) implements Comparable<Platform> {
  private static final Pattern WORD = Pattern.compile("[a-z0-9][a-z0-9_-]*");
  public static final Platform LINUX_AMD64 = new Platform("linux", "amd64", null);

  public Platform {
    if (!WORD.matcher(os).matches() || !WORD.matcher(architecture).matches()
        || (variant != null && !WORD.matcher(variant).matches())) {
      throw new IllegalArgumentException("platform must look like linux/amd64 or linux/arm64/v8");
    }
  }

  @JsonCreator
  public static Platform parse(String text) {
    String[] parts = text.split("/", -1);
    if (parts.length < 2 || parts.length > 3) {
      throw new IllegalArgumentException("platform '" + text + "' must look like linux/amd64 or linux/arm/v7");
    }
    return new Platform(parts[0], parts[1], parts.length == 3 ? parts[2] : null);
  }

  @JsonValue
  @Override
  public String toString() {
    return os + "/" + architecture + (variant == null ? "" : "/" + variant);
  }

  @Override
  public int compareTo(Platform o) {
    return toString().compareTo(o.toString());
  }
}

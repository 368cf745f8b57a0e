package dev.sealbuild.prep.registry;

import java.util.Objects;

/**
 * An OCI platform: {@code os/architecture[/variant]}, e.g. {@code linux/amd64}, {@code linux/arm64/v8}.
 *
 * @param variant null when not given; a requested platform without a variant matches any variant
 */
public record Platform(String os, String architecture, String variant) {

  public Platform {
    Objects.requireNonNull(os, "os");
    Objects.requireNonNull(architecture, "architecture");
    if (os.isEmpty() || architecture.isEmpty() || (variant != null && variant.isEmpty())) {
      throw new IllegalArgumentException("empty platform component in " + os + "/" + architecture);
    }
  }

  public static Platform of(String os, String architecture) {
    return new Platform(os, architecture, null);
  }

  /** Parses {@code os/architecture[/variant]}. */
  public static Platform parse(String text) {
    String[] parts = String.valueOf(text).split("/", -1);
    if (parts.length < 2 || parts.length > 3 || java.util.Arrays.stream(parts).anyMatch(p -> !p.matches("[a-z0-9._-]+"))) {
      throw new RegistryException("platform '" + text + "' does not parse: use os/architecture[/variant], e.g. linux/amd64");
    }
    return new Platform(parts[0], parts[1], parts.length == 3 ? parts[2] : null);
  }

  /** True when {@code available} satisfies this requested platform. */
  public boolean matches(Platform available) {
    return os.equals(available.os) && architecture.equals(available.architecture)
        && (variant == null || variant.equals(available.variant));
  }

  @Override
  public String toString() {
    return os + "/" + architecture + (variant != null ? "/" + variant : "");
  }
}

package dev.sealbuild.formats.oci;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.regex.Pattern;

/**
 * An OCI platform, {@code os/architecture[/variant]}, such as {@code linux/amd64} or {@code linux/arm64/v8}: in a
 * spec, a lock and on the command line it is that text; in an OCI descriptor or config it is the object
 * {@code {"architecture", "os", "variant"}}.
 *
 * @param variant null when not given; a requested platform without a variant matches any variant
 */
public record Platform(String os, String architecture, String variant) implements Comparable<Platform> {
  private static final Pattern WORD = Pattern.compile("[a-z0-9][a-z0-9._-]*");
  public static final Platform LINUX_AMD64 = new Platform("linux", "amd64", null);

  public Platform {
    if (os == null || architecture == null) {
      throw new OciFormatException("a platform needs both an os and an architecture"
          + (os == null && architecture == null ? "" : " (only " + (os == null ? "architecture '" + architecture : "os '" + os) + "' given)")
          + ": use os/architecture[/variant], e.g. linux/amd64");
    }
    if (!WORD.matcher(os).matches() || !WORD.matcher(architecture).matches()
        || (variant != null && !WORD.matcher(variant).matches())) {
      throw new OciFormatException("platform '" + os + "/" + architecture + (variant == null ? "" : "/" + variant)
          + "' is not valid: use os/architecture[/variant] in lower case, e.g. linux/amd64 or linux/arm64/v8");
    }
  }

  public static Platform of(String os, String architecture) {
    return new Platform(os, architecture, null);
  }

  /** Parses {@code os/architecture[/variant]}; a one-line error names the text and the form. */
  @JsonCreator
  public static Platform parse(String text) {
    String[] parts = String.valueOf(text).split("/", -1);
    if (parts.length < 2 || parts.length > 3 || !WORD.matcher(parts[0]).matches() || !WORD.matcher(parts[1]).matches()
        || (parts.length == 3 && !WORD.matcher(parts[2]).matches())) {
      // escaped: a platform from a lock or a registry may hold a line break (found by LockFuzzTest)
      throw new OciFormatException("platform '" + OciJson.printable(String.valueOf(text))
          + "' does not parse: use os/architecture[/variant], e.g. linux/amd64 or linux/arm/v7");
    }
    return new Platform(parts[0], parts[1], parts.length == 3 ? parts[2] : null);
  }

  /**
   * The platform of an OCI {@code platform} object or image config ({@code os}, {@code architecture}, optional
   * {@code variant}), or null when it names none or names one sealbuild cannot use.
   */
  static Platform fromJson(JsonNode node) {
    if (node == null || !node.isObject() || !node.path("os").isTextual() || !node.path("architecture").isTextual()) {
      return null;
    }
    String variant = node.path("variant").isTextual() && !node.get("variant").asText().isEmpty()
        ? node.get("variant").asText() : null;
    try {
      return new Platform(node.get("os").asText(), node.get("architecture").asText(), variant);
    } catch (OciFormatException e) {
      return null;
    }
  }

  ObjectNode toJson() {
    ObjectNode node = OciJson.MAPPER.createObjectNode();
    node.put("architecture", architecture);
    node.put("os", os);
    if (variant != null) {
      node.put("variant", variant);
    }
    return node;
  }

  /** True when {@code available} satisfies this requested platform. */
  public boolean matches(Platform available) {
    return available != null && os.equals(available.os) && architecture.equals(available.architecture)
        && (variant == null || variant.equals(available.variant));
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

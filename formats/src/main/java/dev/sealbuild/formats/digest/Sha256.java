package dev.sealbuild.formats.digest;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Objects;

/**
 * A validated SHA-256 digest: exactly 64 lowercase hex characters. Constructed only through
 * {@link #parse} or {@link #ofHex}, so no path or URL is ever built from an unchecked string.
 */
public record Sha256(String hex) implements Comparable<Sha256> {
  public static final String PREFIX = "sha256:";

  public Sha256 {
    Objects.requireNonNull(hex, "hex");
    if (!isLowerHex64(hex)) {
      throw new IllegalArgumentException("not a sha256 digest (need 64 lowercase hex characters): '" + abbreviate(hex) + "'");
    }
  }

  /** Accepts {@code sha256:<hex>} or bare {@code <hex>}; rejects other algorithms, case and lengths. */
  @JsonCreator
  public static Sha256 parse(String text) {
    Objects.requireNonNull(text, "digest");
    int colon = text.indexOf(':');
    if (colon >= 0) {
      String algorithm = text.substring(0, colon);
      if (!algorithm.equals("sha256")) {
        throw new IllegalArgumentException("unsupported digest algorithm '" + abbreviate(algorithm) + "' (only sha256)");
      }
      return new Sha256(text.substring(colon + 1));
    }
    return new Sha256(text);
  }

  /** What {@code [0-9a-f]{64}} matches, without a regex: digests are checked once per index entry. */
  private static boolean isLowerHex64(String hex) {
    if (hex.length() != 64) {
      return false;
    }
    for (int k = 0; k < 64; k++) {
      char c = hex.charAt(k);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  public static Sha256 ofHex(String hex) {
    return new Sha256(hex);
  }

  public static Sha256 of(byte[] raw) {
    if (raw.length != 32) {
      throw new IllegalArgumentException("sha256 must be 32 bytes, got " + raw.length);
    }
    return new Sha256(java.util.HexFormat.of().formatHex(raw));
  }

  /** The digest of some bytes. */
  public static Sha256 hash(byte[] bytes) {
    Sha256Hasher hasher = new Sha256Hasher();
    hasher.update(bytes, 0, bytes.length);
    return hasher.digest();
  }

  /** The digest of a stream's remaining bytes (the stream is read to its end, not closed). */
  public static Sha256 hash(java.io.InputStream in) throws java.io.IOException {
    return Sha256Hasher.hash(in).digest();
  }

  /** The digest of a file's bytes. */
  public static Sha256 hash(java.nio.file.Path file) throws java.io.IOException {
    try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
      return hash(in);
    }
  }

  /** The OCI form, {@code sha256:<hex>}. */
  @JsonValue
  @Override
  public String toString() {
    return PREFIX + hex;
  }

  @Override
  public int compareTo(Sha256 other) {
    return hex.compareTo(other.hex);
  }

  /** Shortened and with control characters escaped, so an error about it stays on one line. */
  private static String abbreviate(String s) {
    String t = s.length() > 80 ? s.substring(0, 80) + "..." : s;
    StringBuilder b = new StringBuilder();
    t.chars().forEach(c -> b.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", c) : String.valueOf((char) c)));
    return b.toString();
  }
}

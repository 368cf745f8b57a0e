package dev.sealbuild.prep.alpine;

import java.util.Base64;

/**
 * apk's identity checksums: {@code Q1} + base64(SHA-1) as used by v2 indexes and packages (the SHA-1
 * of the package's raw control gzip stream), and {@code Q2} + base64(SHA-256) as written by apk 3.
 */
final class ApkChecksum {
  private ApkChecksum() {
  }

  /** Validates {@code text} and returns the raw digest; {@code context} names the culprit in errors. */
  static byte[] parse(String text, String context) {
    int expectedLength;
    if (text.startsWith("Q1")) {
      expectedLength = 20;
    } else if (text.startsWith("Q2")) {
      expectedLength = 32;
    } else {
      throw new ApkException("invalid checksum '" + Texts.abbreviate(text) + "' in " + context
          + ": expected Q1 or Q2 followed by base64");
    }
    byte[] digest;
    try {
      digest = Base64.getDecoder().decode(text.substring(2));
    } catch (IllegalArgumentException e) {
      throw new ApkException("invalid base64 in checksum '" + Texts.abbreviate(text) + "' in " + context);
    }
    if (digest.length != expectedLength || !format(text.substring(0, 2), digest).equals(text)) {
      throw new ApkException("invalid checksum '" + Texts.abbreviate(text) + "' in " + context
          + ": wrong length for " + text.substring(0, 2));
    }
    return digest;
  }

  /** The JCA digest algorithm behind a checksum's prefix. */
  static String algorithm(String text) {
    return text.startsWith("Q2") ? "SHA-256" : "SHA-1";
  }

  static String format(String prefix, byte[] digest) {
    return prefix + Base64.getEncoder().encodeToString(digest);
  }

  static String q1(byte[] sha1) {
    return format("Q1", sha1);
  }
}

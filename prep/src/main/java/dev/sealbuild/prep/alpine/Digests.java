package dev.sealbuild.prep.alpine;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** MessageDigest helpers that fit {@link GzipMembers.RawSink}. */
final class Digests {
  private Digests() {
  }

  static MessageDigest of(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is missing from this JDK", e);
    }
  }

  static GzipMembers.RawSink sink(MessageDigest digest) {
    return digest::update;
  }
}

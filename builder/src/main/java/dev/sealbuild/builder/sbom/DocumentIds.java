package dev.sealbuild.builder.sbom;

import dev.sealbuild.formats.digest.Sha256;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * A document's own identifier (SPDX {@code documentNamespace}, CycloneDX {@code serialNumber}) derived from its
 * content, never random: an RFC 4122 name-based (version 5) UUID of the SHA-256 of the document written without
 * it. The same inputs give the same identifier; any change to what the document says gives another.
 */
final class DocumentIds {
  /** RFC 4122's namespace for URLs, under which sealbuild names documents. */
  private static final UUID NAMESPACE_URL = UUID.fromString("6ba7b811-9dad-11d1-80b4-00c04fd430c8");

  private DocumentIds() {}

  /** The identifier of a document of {@code kind} whose compact form, written with a zero identifier, hashes to {@code content}. */
  static UUID of(String kind, Sha256 content) {
    return version5(NAMESPACE_URL, "sealbuild:" + kind + ":" + content.hex());
  }

  static UUID version5(UUID namespace, String name) {
    MessageDigest sha1;
    try {
      sha1 = MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    sha1.update(ByteBuffer.allocate(16).putLong(namespace.getMostSignificantBits()).putLong(namespace.getLeastSignificantBits()).array());
    byte[] hash = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
    hash[6] = (byte) ((hash[6] & 0x0f) | 0x50);
    hash[8] = (byte) ((hash[8] & 0x3f) | 0x80);
    ByteBuffer b = ByteBuffer.wrap(hash, 0, 16);
    return new UUID(b.getLong(), b.getLong());
  }
}

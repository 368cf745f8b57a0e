package dev.sealbuild.prep.debian;

import java.io.IOException;

/**
 * Repository metadata that cannot be fetched, verified or parsed. The message is one line naming the culprit (URL,
 * file, key, package) and what to do; {@link #kind()} lets callers and tests tell the causes apart.
 */
public class DebianMetadataException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Why the metadata was refused. */
  public enum Kind {
    /** The InRelease has no {@code -----BEGIN PGP SIGNED MESSAGE-----}. */
    NOT_SIGNED,
    /** Clearsigned structure is broken (text outside the signed part, missing armor, garbage packets). */
    MALFORMED_SIGNATURE,
    /** Every signature was made by a key that is not in the keyring. */
    UNKNOWN_KEY,
    /** A signature by a key in the keyring does not match the signed text. */
    BAD_SIGNATURE,
    /** Signed only by keys from the keyring that are expired or revoked, or with a weak hash algorithm. */
    UNUSABLE_SIGNATURE,
    /** The keyring file cannot be read. */
    BAD_KEYRING,
    /** {@code Valid-Until} lies in the past. */
    EXPIRED,
    /** The Release contents contradict the request (suite, architecture, component) or are malformed. */
    BAD_RELEASE,
    /** An index file differs from the size or SHA256 listed in InRelease. */
    HASH_MISMATCH,
    /** An index file is malformed (bad stanza, bad field, too large, decompression error). */
    BAD_INDEX,
    /** HTTP 404 or 410 (other transfer failures are the transport's {@code TransportException}). */
    NOT_FOUND,
    /** The server sent an HTML page instead of repository data (captive portal, wrong base URL). */
    HTML_INSTEAD_OF_DATA
  }

  private final Kind kind;

  public DebianMetadataException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public DebianMetadataException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}

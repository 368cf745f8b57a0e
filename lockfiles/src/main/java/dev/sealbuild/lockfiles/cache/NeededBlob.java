package dev.sealbuild.lockfiles.cache;

import dev.sealbuild.formats.digest.Sha256;
import java.util.Objects;

/**
 * One blob of {@code CACHE/blobs/sha256/} a lock needs.
 *
 * @param size the size the lock records, or null when it records none (a {@code files:} entry locked without one)
 * @param label the first lock entry that needs it, for messages ({@code package curl 7.88.1-10 amd64})
 */
public record NeededBlob(Sha256 digest, Long size, String label) {
  public NeededBlob {
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(label, "label");
  }
}

package dev.sealbuild.prep.cache;

import java.nio.file.Path;

/** One thing {@link CacheWriter#verifyAll} found wrong in {@code blobs/} or left behind in {@code tmp/}. */
public record BadBlob(Path path, Problem problem, String detail, boolean deleted) {
  public enum Problem {
    /** Named like a digest, but the content hashes to something else. */
    WRONG_CONTENT,
    /** A file in {@code blobs/sha256/} whose name is not 64 lowercase hex characters. */
    BAD_NAME,
    /** Anything that is not a regular file where blobs live, or anything else under {@code blobs/}. */
    STRAY,
    /** Could not be read. */
    UNREADABLE,
    /** A partial download in {@code tmp/} whose writer has ended (a killed run). */
    TEMP_LITTER
  }
}

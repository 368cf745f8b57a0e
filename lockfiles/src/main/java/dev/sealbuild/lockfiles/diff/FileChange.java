package dev.sealbuild.lockfiles.diff;

import dev.sealbuild.formats.digest.Sha256;

/** A {@code files:} URL pinned in only one lock, or pinned to other bytes. */
public record FileChange(Change change, String url, Sha256 fromSha256, Sha256 toSha256) implements Comparable<FileChange> {
  @Override
  public int compareTo(FileChange o) {
    return url.compareTo(o.url);
  }
}

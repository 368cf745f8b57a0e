package dev.sealbuild.lockfiles.diff;

import dev.sealbuild.formats.digest.Sha256;

/**
 * A repository's signed index ({@code item} is its path, e.g. {@code dists/bookworm/InRelease}, with its
 * digest and date on each side) or an embedded Alpine key ({@code item} is {@code key NAME}, digests of the
 * PEM text) added, removed or changed.
 */
public record RepositoryChange(Change change, String repository, String item, Sha256 fromSha256, Sha256 toSha256,
    String fromDate, String toDate) implements Comparable<RepositoryChange> {
  @Override
  public int compareTo(RepositoryChange o) {
    int c = repository.compareTo(o.repository);
    return c != 0 ? c : item.compareTo(o.item);
  }
}

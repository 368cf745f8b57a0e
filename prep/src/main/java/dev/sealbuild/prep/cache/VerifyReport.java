package dev.sealbuild.prep.cache;

import java.util.List;

/**
 * Result of re-hashing the cache. {@code blobsChecked} counts the correctly named files that were
 * hashed; {@code problems} is sorted by path.
 */
public record VerifyReport(int blobsChecked, List<BadBlob> problems) {
  public VerifyReport {
    problems = List.copyOf(problems);
  }

  public boolean clean() {
    return problems.isEmpty();
  }
}

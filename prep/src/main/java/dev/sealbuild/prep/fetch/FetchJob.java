package dev.sealbuild.prep.fetch;

import dev.sealbuild.formats.digest.Sha256;
import java.net.URI;
import java.util.Objects;

/**
 * One pinned file to download: {@code label} names the lock entry (e.g. {@code files[2]}) in
 * messages; {@code size} is the exact size from the lock, or null if the lock does not record it.
 */
public record FetchJob(String label, URI url, Sha256 sha256, Long size) {
  public FetchJob {
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(sha256, "sha256");
    if (size != null && size < 0) {
      throw new IllegalArgumentException("negative size for " + label + ": " + size);
    }
  }
}

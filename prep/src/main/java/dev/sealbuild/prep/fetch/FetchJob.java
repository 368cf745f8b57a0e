package dev.sealbuild.prep.fetch;

import dev.sealbuild.formats.digest.Sha256;
import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * One pinned file to download: {@code label} names the lock entry (e.g. {@code files[2]}) in
 * messages; {@code size} is the exact size from the lock, or null if the lock does not record it;
 * {@code fallbacks} are tried in order when {@code url} answers 404 (a snapshot archive of a mirror
 * that dropped the pinned version).
 */
public record FetchJob(String label, URI url, Sha256 sha256, Long size, List<URI> fallbacks) {
  public FetchJob {
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(sha256, "sha256");
    fallbacks = List.copyOf(fallbacks);
    if (size != null && size < 0) {
      throw new IllegalArgumentException("negative size for " + label + ": " + size);
    }
  }

  public FetchJob(String label, URI url, Sha256 sha256, Long size) {
    this(label, url, sha256, size, List.of());
  }
}

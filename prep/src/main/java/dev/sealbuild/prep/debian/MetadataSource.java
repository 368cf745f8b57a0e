package dev.sealbuild.prep.debian;

import java.io.IOException;
import java.io.InputStream;

/**
 * Where repository files come from, addressed relative to the repository base ({@code dists/bookworm/InRelease},
 * {@code pool/main/c/curl/...}). Implementations return the raw bytes as served: no decompression, no verification.
 */
public interface MetadataSource {

  /**
   * Opens one file. The caller closes the stream.
   *
   * @throws DebianMetadataException of kind {@link DebianMetadataException.Kind#NOT_FOUND} when the file does not
   *     exist; other failures are unchecked and name the location
   */
  InputStream open(String relativePath) throws IOException;

  /** Names a file's location (its URL) for messages. */
  default String describe(String relativePath) {
    return relativePath;
  }
}

package dev.sealbuild.builder.fs;

import java.io.IOException;
import java.io.InputStream;

/**
 * The bytes of a regular file, read when the layer is written. Nodes that share one Content instance are
 * hard links of each other.
 */
public interface Content {
  long size();

  InputStream open() throws IOException;

  /** Where the bytes come from, for error messages. */
  String origin();

  /** The sha256 of the bytes when it is already known without reading them again. */
  default java.util.Optional<dev.sealbuild.formats.digest.Sha256> knownDigest() {
    return java.util.Optional.empty();
  }
}

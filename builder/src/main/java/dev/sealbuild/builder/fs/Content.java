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

  /**
   * All the bytes, for a content small enough to hold (the caller checks {@link #size()} first). Reads exactly
   * the size, never asking for zero bytes: the spool's reader treats a zero-byte read as its end.
   */
  default byte[] readAll() throws IOException {
    byte[] bytes = new byte[(int) size()];
    try (InputStream in = open()) {
      for (int off = 0, n; off < bytes.length; off += n) {
        n = in.read(bytes, off, bytes.length - off);
        if (n < 0) {
          throw new IOException(origin() + ": ends after " + off + " of " + bytes.length + " bytes");
        }
      }
    }
    return bytes;
  }

  /** The sha256 of the bytes when it is already known without reading them again. */
  default java.util.Optional<dev.sealbuild.formats.digest.Sha256> knownDigest() {
    return java.util.Optional.empty();
  }
}

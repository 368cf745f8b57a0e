package dev.sealbuild.prep.lock;

import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.prep.cache.ContentMismatchException;
import java.io.IOException;
import java.net.URI;

/** Fetches a URL into the vendor cache without knowing its digest yet, and says what it hashed to. */
public interface Downloader {
  Pinned download(URI url, String label) throws IOException;

  /**
   * Fetches a URL whose digest the spec pins but whose size nobody recorded yet, to learn the size; the content
   * must hash to {@code expected}. This default downloads and compares; the real one also skips cached blobs.
   */
  default Pinned downloadPinned(URI url, String label, Sha256 expected) throws IOException {
    Pinned pinned = download(url, label);
    if (!pinned.sha256().equals(expected)) {
      throw new ContentMismatchException("sha256 mismatch for " + label + ": expected " + expected + ", got " + pinned.sha256()
          + "; the file changed upstream or the spec is wrong");
    }
    return pinned;
  }

  record Pinned(Sha256 sha256, long size) {}
}

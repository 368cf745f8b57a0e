package dev.sealbuild.prep.lock;

import dev.sealbuild.formats.digest.Sha256;
import java.io.IOException;
import java.net.URI;

/** Fetches a URL into the vendor cache without knowing its digest yet, and says what it hashed to. */
public interface Downloader {
  Pinned download(URI url, String label) throws IOException;

  record Pinned(Sha256 sha256, long size) {}
}

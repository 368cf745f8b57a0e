package dev.sealbuild.prep.debian;

import dev.sealbuild.formats.digest.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where verified index files ({@code Packages.xz} and friends) are kept between runs, by the SHA256 a verified
 * InRelease lists for them: an unchanged suite is then read from disk, not downloaded again. Content-addressed, so a
 * file is only ever used after its bytes hash to the signed digest again while being read.
 */
public interface IndexCache {
  /** The cached file with this digest, if there is one (not yet re-verified: the reader does that). */
  Optional<Path> find(Sha256 digest) throws IOException;

  /** Reads an index as it arrives: a parser over the stream, returning what it made of it. */
  @FunctionalInterface
  interface StreamReader<T> {
    T read(InputStream in) throws IOException;
  }

  /**
   * Stores {@code raw} in the cache while {@code reader} reads the same bytes, so a download and its parse overlap;
   * the reader must read to the end (what it leaves unread is not stored). The file is kept only when the reader
   * returned and size and digest matched.
   */
  <T> T storeWhileReading(InputStream raw, Sha256 digest, long size, String source, StreamReader<T> reader)
      throws IOException;

  /** Removes a cached file whose bytes turned out not to match its digest. */
  void discard(Sha256 digest) throws IOException;

  /**
   * The packages parsed earlier from the index with this digest for this architecture, when that parsed form is
   * kept and intact; empty otherwise (the caller parses the verified index again).
   */
  default Optional<ParsedPackages> parsed(Sha256 digest, String architecture) throws IOException {
    return Optional.empty();
  }

  /**
   * Keeps the packages parsed from the verified index with this digest, for {@link #parsed}. May still be writing
   * when it returns (the resolver need not wait for a copy it does not read): {@link #awaitWrites} waits.
   */
  default void keepParsed(Sha256 digest, String architecture, ParsedPackages packages) throws IOException {
  }

  /** Waits until everything {@link #keepParsed} began is written; throws the first write's failure. */
  default void awaitWrites() throws IOException {
  }
}

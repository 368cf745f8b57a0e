package dev.sealbuild.prep.debian;

import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.prep.cache.CacheWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Verified index files kept as ordinary blobs of the vendor cache ({@code blobs/sha256/<hex>}): they are verified
 * content named by their sha256 like every other blob, so {@code build cache verify} checks them too.
 */
public final class VendorIndexCache implements IndexCache {
  private final CacheWriter cache;

  public VendorIndexCache(CacheWriter cache) {
    this.cache = Objects.requireNonNull(cache, "cache");
  }

  @Override
  public Optional<Path> find(Sha256 digest) {
    return cache.contains(digest) ? Optional.of(cache.layout().blob(digest)) : Optional.empty();
  }

  @Override
  public Path store(InputStream verified, Sha256 digest, long size, String source) throws IOException {
    cache.put(verified, digest, size, "repository index", source);
    return cache.layout().blob(digest);
  }

  @Override
  public void discard(Sha256 digest) throws IOException {
    Files.deleteIfExists(cache.layout().blob(digest));
  }
}

package dev.sealbuild.builder.source;

import dev.sealbuild.builder.cache.CacheReader;
import dev.sealbuild.builder.fs.Content;
import dev.sealbuild.formats.digest.Sha256;
import java.io.IOException;
import java.io.InputStream;

/** A whole cached blob as a file's content, re-hashed while it is written into the layer. */
record BlobContent(CacheReader cache, Sha256 digest, long size, String origin) implements Content {
  @Override
  public InputStream open() throws IOException {
    return cache.open(digest, size, origin);
  }
}

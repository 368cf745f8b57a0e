package dev.sealbuild.builder.source;

import dev.sealbuild.builder.archive.ContentSpool;
import dev.sealbuild.formats.compress.DecompressionLimits;
import dev.sealbuild.formats.compress.Decompressors;
import dev.sealbuild.builder.cache.CacheReader;
import java.nio.file.Path;

/** What sources need to read their inputs: the cache, the spool, the epoch, limits, and the spec's directory. */
public record BuildContext(CacheReader cache, ContentSpool spool, long epoch, DecompressionLimits limits, Path specDir) {
  public Decompressors decompressors() {
    return new Decompressors(limits);
  }
}

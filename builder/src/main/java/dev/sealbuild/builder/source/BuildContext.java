package dev.sealbuild.builder.source;

import dev.sealbuild.builder.archive.ContentSpool;
import dev.sealbuild.formats.compress.DecompressionLimits;
import dev.sealbuild.formats.compress.Decompressors;
import dev.sealbuild.builder.cache.CacheReader;
import java.nio.file.Path;

/**
 * What sources need to read their inputs: the cache, the spool, the epoch, limits, the spec's directory, the one
 * decompressor table of the build (its buffers are shared by every package and layer the build decodes), and the
 * digests of the local files it copies (each read once, whoever asks).
 */
public record BuildContext(CacheReader cache, ContentSpool spool, long epoch, DecompressionLimits limits, Path specDir,
    Decompressors decompressors, LocalFileDigests localFiles) {
  public BuildContext(CacheReader cache, ContentSpool spool, long epoch, DecompressionLimits limits, Path specDir) {
    this(cache, spool, epoch, limits, specDir, new Decompressors(limits));
  }

  public BuildContext(CacheReader cache, ContentSpool spool, long epoch, DecompressionLimits limits, Path specDir,
      Decompressors decompressors) {
    this(cache, spool, epoch, limits, specDir, decompressors, new LocalFileDigests());
  }
}

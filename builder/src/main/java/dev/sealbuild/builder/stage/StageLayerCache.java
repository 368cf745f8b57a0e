package dev.sealbuild.builder.stage;

import dev.sealbuild.builder.archive.ContentSpool;
import dev.sealbuild.builder.archive.TarIngest;
import dev.sealbuild.builder.fs.ImageTree;
import dev.sealbuild.builder.layer.LayerBlob;
import dev.sealbuild.builder.layer.LayerWriter;
import dev.sealbuild.builder.layercache.LayerCache;
import dev.sealbuild.builder.layercache.LayerCacheEntry;
import dev.sealbuild.formats.compress.Compression;
import dev.sealbuild.formats.compress.DecompressionLimits;
import dev.sealbuild.formats.compress.write.LayerCompressor;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.json.CanonicalJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What each source of a build stage added, kept in the layer cache (zstd: a stage's layers are never published, only
 * read back) under the key of the tree after it. Rebuilding a stage whose toolchain packages are unchanged then reads
 * one cached layer instead of unpacking every package again: editing a source file a stage compiles re-runs the
 * compile step, not the package installation before it.
 */
public final class StageLayerCache {
  private final LayerCache layers;
  private final LayerWriter writer;
  private final ContentSpool spool;
  private final Path scratch;
  private final long epoch;
  private final DecompressionLimits limits;
  private final Consumer<String> progress;

  public StageLayerCache(LayerCache layers, ContentSpool spool, Path scratch, long epoch, DecompressionLimits limits,
      Consumer<String> progress) {
    this.layers = layers;
    this.writer = new LayerWriter(epoch, LayerCompressor.of(Compression.ZSTD, LayerCompressor.defaultThreads()));
    this.spool = spool;
    this.scratch = scratch;
    this.epoch = epoch;
    this.limits = limits;
    this.progress = progress;
  }

  private Sha256 key(Sha256 treeAfter) {
    return Sha256.hash(CanonicalJson.compact(Map.of("stage-source-layer", writer.identity(), "tree", treeAfter.toString())));
  }

  /** Applies the cached layer of the source that leads to {@code treeAfter} to the tree's current layer, when cached. */
  public boolean reuse(Sha256 treeAfter, ImageTree tree, String label) throws IOException {
    Optional<LayerCacheEntry> hit = layers.readInto(key(treeAfter), tree, new TarIngest(spool), scratch, limits, epoch,
        "cached layer of " + label);
    hit.ifPresent(e -> progress.accept("reusing " + label + " (" + e.entries() + " entries, cached)"));
    return hit.isPresent();
  }

  /** Keeps the tree's current layer, which holds exactly what one source added, as the layer leading to {@code treeAfter}. */
  public void store(Sha256 treeAfter, ImageTree tree, String label) throws IOException {
    if (!layers.enabled()) {
      return;
    }
    Path file = Files.createTempFile(scratch, "stage", ".tar");
    try {
      LayerBlob blob = writer.write(tree.currentLayer(), tree, file, label);
      layers.store(key(treeAfter), blob, tree.currentLayer().entries().size());
    } finally {
      Files.deleteIfExists(file);
    }
  }
}

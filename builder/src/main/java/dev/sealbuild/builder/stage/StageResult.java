package dev.sealbuild.builder.stage;

import dev.sealbuild.builder.fs.ImageTree;
import dev.sealbuild.formats.digest.Sha256;
import java.io.IOException;

/**
 * A named build stage of one platform, built at most once and only when something reads it: its key (what the layer
 * and step caches know it by, computed without building it) and its finished tree.
 */
public interface StageResult {
  String name();

  /** Determines the stage's tree: its base and its sources' fingerprints, chained. Builds nothing. */
  Sha256 key() throws IOException;

  /** The stage's tree after its last step; built on first use. */
  ImageTree tree() throws IOException;
}

package dev.sealbuild.lockfiles.cache;

import dev.sealbuild.formats.digest.Sha256;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where things live in the content-addressed vendor cache. prep writes it, builder reads it.
 *
 * <pre>
 *   CACHE/blobs/sha256/&lt;hex&gt;   verified content, named by its sha256
 *   CACHE/tmp/                   partial downloads, renamed into blobs/ only once verified
 *   CACHE/facts/sha256/&lt;hex&gt;.json  what the builder read from inside the package blob &lt;hex&gt; (derived data:
 *                                one that does not parse is recomputed from the blob, never trusted)
 *   CACHE/layers/                the layer cache: layers build image wrote, never upstream inputs
 *     entries/&lt;key-hex&gt;.json     one written layer: blob digest and size, diff_id, uncompressed size, media type
 *     blobs/&lt;hex&gt;               the compressed layer, named by its sha256
 *     facts/&lt;key-hex&gt;.json       small derived facts (an install order, a base layer's tar size)
 *     tmp/                       entries being written, renamed into place only once complete
 *   CACHE/indexes/               repository indexes parsed from verified blobs (derived, self-checking, disposable)
 * </pre>
 *
 * <p>Layer blobs live apart from {@code blobs/sha256/} on purpose: that directory holds only content a lockfile pins
 * and prep verified, and a layer is neither. Everything under {@code layers/} is a cache: deleting it costs only time.
 */
public record VendorCacheLayout(Path root) {
  public static final String ENV_VAR = "SEALBUILD_CACHE";
  public static final String DEFAULT_DIR = "vendor-cache";

  public VendorCacheLayout {
    Objects.requireNonNull(root, "root");
    root = root.toAbsolutePath().normalize();
  }

  public Path blobsDir() {
    return root.resolve("blobs").resolve("sha256");
  }

  public Path blob(Sha256 digest) {
    return blobsDir().resolve(digest.hex());
  }

  public Path factsDir() {
    return root.resolve("facts").resolve("sha256");
  }

  /** The facts file of the package blob {@code digest}. */
  public Path facts(Sha256 digest) {
    return factsDir().resolve(digest.hex() + ".json");
  }

  public Path indexesDir() {
    return root.resolve("indexes");
  }

  public Path tmpDir() {
    return root.resolve("tmp");
  }

  public Path layersDir() {
    return root.resolve("layers");
  }

  public Path layerEntriesDir() {
    return layersDir().resolve("entries");
  }

  /** The layer-cache entry for a layer key (the sha256 of the canonical JSON of its inputs). */
  public Path layerEntry(Sha256 key) {
    return layerEntriesDir().resolve(key.hex() + ".json");
  }

  public Path imageRecordsDir() {
    return layersDir().resolve("images");
  }

  /** The record of an image built from the inputs whose key is {@code key} (see builder's ImageRecords). */
  public Path imageRecord(Sha256 key) {
    return imageRecordsDir().resolve(key.hex() + ".json");
  }

  public Path layerBlobsDir() {
    return layersDir().resolve("blobs");
  }

  public Path layerBlob(Sha256 digest) {
    return layerBlobsDir().resolve(digest.hex());
  }

  public Path layerFactsDir() {
    return layersDir().resolve("facts");
  }

  public Path layerFact(Sha256 key) {
    return layerFactsDir().resolve(key.hex() + ".json");
  }

  public Path layerTmpDir() {
    return layersDir().resolve("tmp");
  }
}

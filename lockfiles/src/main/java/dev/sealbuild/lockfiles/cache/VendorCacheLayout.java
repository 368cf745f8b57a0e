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
 * </pre>
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

  public Path tmpDir() {
    return root.resolve("tmp");
  }
}

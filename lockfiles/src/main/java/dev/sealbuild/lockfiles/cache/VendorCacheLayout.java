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
 *   CACHE/indexes/               repository indexes parsed from verified blobs (derived, self-checking, disposable)
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

  public Path indexesDir() {
    return root.resolve("indexes");
  }

  public Path tmpDir() {
    return root.resolve("tmp");
  }
}

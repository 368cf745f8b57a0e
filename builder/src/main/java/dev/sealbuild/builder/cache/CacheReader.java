package dev.sealbuild.builder.cache;

import dev.sealbuild.builder.facts.PackageFactsStore;
import dev.sealbuild.lockfiles.cache.VendorCacheLayout;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.digest.VerifyingInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Read-only access to the vendor cache's blobs for the offline image phase; every read is re-hashed. The facts
 * read from inside packages (derived data, written best effort) are kept for one run by {@link #facts()}.
 */
public final class CacheReader {
  private final VendorCacheLayout layout;
  private final PackageFactsStore facts;

  public CacheReader(VendorCacheLayout layout) {
    this.layout = layout;
    this.facts = new PackageFactsStore(layout);
  }

  public VendorCacheLayout layout() {
    return layout;
  }

  /** What this run has read from inside packages, and the cache's facts files: shared by the install and the SBOM. */
  public PackageFactsStore facts() {
    return facts;
  }

  /** Fails with a message naming the entry and telling to run build prep when the blob is absent. */
  public void requirePresent(Sha256 digest, String label) {
    Path blob = layout.blob(digest);
    if (!Files.isRegularFile(blob, LinkOption.NOFOLLOW_LINKS)) {
      if (Files.isDirectory(layout.root()) && !Files.isReadable(layout.root())) {
        throw new CacheException("vendor cache " + layout.root() + " is not readable; check its permissions");
      }
      throw new CacheException(label + " (" + digest + ") is not in the vendor cache " + layout.root() + "; run build prep");
    }
  }

  public VerifyingInputStream open(Sha256 digest, Long size, String label) throws IOException {
    requirePresent(digest, label);
    try {
      InputStream in = Files.newInputStream(layout.blob(digest), LinkOption.NOFOLLOW_LINKS);
      return new VerifyingInputStream(new java.io.BufferedInputStream(in, 256 * 1024), digest, size, mismatch(label));
    } catch (AccessDeniedException e) {
      throw new CacheException(label + ": cannot read " + layout.blob(digest) + " (permission denied)");
    } catch (NoSuchFileException e) {
      throw new CacheException(label + " (" + digest + ") is not in the vendor cache " + layout.root() + "; run build prep");
    }
  }

  /** How a cached blob that is not what the lock pins is reported: naming the entry, saying to fetch it again. */
  public static VerifyingInputStream.Mismatch mismatch(String label) {
    return new VerifyingInputStream.Mismatch() {
      @Override
      public void tooLong(long expectedSize) {
        throw new CacheException(label + ": cached blob is larger than the " + expectedSize
            + " bytes the lock pins; run build cache verify, then build prep");
      }

      @Override
      public void wrongSize(long actualSize, long expectedSize) {
        throw new CacheException(label + ": cached blob has " + actualSize + " bytes, the lock pins " + expectedSize
            + "; run build prep to fetch it again");
      }

      @Override
      public void wrongDigest(Sha256 actual, Sha256 expected) {
        throw new CacheException(label + ": cached blob is corrupt (expected " + expected + ", got " + actual
            + "); run build prep to fetch it again");
      }
    };
  }

  /** Reads a blob through a parser. */
  public interface BlobReader<T> {
    T read(VerifyingInputStream in) throws IOException;
  }

  /**
   * Reads a blob with {@code reader}. When the reader fails, the rest of the blob is hashed first: a blob that
   * is not what the lock pinned is reported as such (run build prep), whatever its bytes made the reader say.
   * With {@code verifyAll}, the whole blob is verified after a successful read too.
   */
  public <T> T read(Sha256 digest, Long size, String label, boolean verifyAll, BlobReader<T> reader) throws IOException {
    try (VerifyingInputStream in = open(digest, size, label)) {
      T result;
      try {
        result = reader.read(in);
      } catch (RuntimeException | IOException e) {
        if (e instanceof CacheException) {
          throw e;
        }
        try {
          in.drainAndVerify();
        } catch (CacheException corrupt) {
          corrupt.addSuppressed(e);
          throw corrupt;
        } catch (IOException unreadable) {
          e.addSuppressed(unreadable);
        }
        throw e;
      }
      if (verifyAll) {
        in.drainAndVerify();
      }
      return result;
    }
  }

  /** The path of a verified blob, for readers that need random access (zip). Hashes it first. */
  public Path verifiedPath(Sha256 digest, Long size, String label) throws IOException {
    try (VerifyingInputStream in = open(digest, size, label)) {
      in.drainAndVerify();
    }
    return layout.blob(digest);
  }
}

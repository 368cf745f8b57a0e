package dev.sealbuild.prep.cache;

import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.lockfiles.cache.CacheArtifact;
import dev.sealbuild.lockfiles.cache.NeededBlob;
import dev.sealbuild.lockfiles.cache.VendorCacheLayout;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Picks blobs out of the local vendor cache with their sizes: the ones some locks need (all of which must be there,
 * at the size the lock records), or every blob the cache holds. What {@code cache push} and {@code cache export} send.
 */
public final class CacheSelection {
  private CacheSelection() {}

  /** The blobs {@code needed} names, read from the cache; a one-line error when any is missing or the wrong size. */
  public static List<CacheArtifact.Blob> needed(VendorCacheLayout layout, Collection<NeededBlob> needed) {
    List<CacheArtifact.Blob> blobs = new ArrayList<>();
    List<NeededBlob> missing = new ArrayList<>();
    for (NeededBlob blob : needed) {
      Path file = layout.blob(blob.digest());
      long size;
      try {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isRegularFile()) {
          missing.add(blob);
          continue;
        }
        size = attributes.size();
      } catch (NoSuchFileException e) {
        missing.add(blob);
        continue;
      } catch (IOException e) {
        throw new CacheException("cannot read " + file + ": " + CacheWriter.reason(e) + "; check the cache dir permissions", e);
      }
      if (blob.size() != null && blob.size() != size) {
        throw new CacheException(blob.label() + ": the cached blob " + file + " has " + size + " bytes but the lock says "
            + blob.size() + "; run build cache verify --delete, then build prep");
      }
      blobs.add(new CacheArtifact.Blob(blob.digest(), size, blob.label()));
    }
    if (!missing.isEmpty()) {
      throw new CacheException(missing.size() + " of the " + needed.size() + " blobs the lock needs are not in the cache "
          + layout.root() + " (first: " + missing.get(0).label() + ", " + missing.get(0).digest() + "): run build prep first");
    }
    return blobs;
  }

  /** Every blob the cache holds (regular files named by a sha256), in digest order. */
  public static List<CacheArtifact.Blob> all(VendorCacheLayout layout) {
    List<CacheArtifact.Blob> blobs = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(layout.blobsDir())) {
      for (Path entry : entries) {
        Sha256 digest = digestNamed(entry.getFileName().toString());
        if (digest == null) {
          continue;
        }
        try {
          BasicFileAttributes attributes = Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
          if (attributes.isRegularFile()) {
            blobs.add(new CacheArtifact.Blob(digest, attributes.size(), null));
          }
        } catch (NoSuchFileException vanished) {
          // deleted meanwhile (build cache gc in another process)
        }
      }
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw new CacheException("cannot read cache dir " + layout.blobsDir() + ": " + CacheWriter.reason(e)
          + "; check its permissions or pass --cache DIR", e);
    }
    blobs.sort(java.util.Comparator.comparing(CacheArtifact.Blob::digest));
    return blobs;
  }

  static Sha256 digestNamed(String name) {
    try {
      return Sha256.ofHex(name);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}

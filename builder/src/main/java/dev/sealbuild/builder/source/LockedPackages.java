package dev.sealbuild.builder.source;

import dev.sealbuild.builder.cache.CacheReader;
import dev.sealbuild.lockfiles.lock.LockedPackage;
import java.io.IOException;
import java.util.List;

/** What the package sources (Alpine and Debian) say about, and how they read, the locked packages they install. */
public final class LockedPackages {
  private LockedPackages() {}

  /** The package as messages name it: {@code package NAME VERSION}. */
  public static String label(LockedPackage p) {
    return "package " + p.name() + " " + p.version();
  }

  /** A package source's description: the one package, or how many of the distribution's packages. */
  public static String describe(List<LockedPackage> packages, String distribution) {
    return packages.size() == 1 ? "package " + packages.get(0).label() : packages.size() + " " + distribution + " packages";
  }

  /** Reads a locked package's blob from the cache, checked against the lock's size and digest. */
  public static <T> T read(BuildContext context, LockedPackage p, boolean verifyAll, CacheReader.BlobReader<T> reader)
      throws IOException {
    return context.cache().read(p.sha256(), p.size(), label(p), verifyAll, reader);
  }
}

package dev.sealbuild.cli;

import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.prep.cache.CacheSelection;
import dev.sealbuild.lockfiles.cache.CacheArtifact;
import dev.sealbuild.lockfiles.cache.LockBlobs;
import dev.sealbuild.lockfiles.cache.VendorCacheLayout;
import dev.sealbuild.lockfiles.cache.NeededBlob;
import dev.sealbuild.lockfiles.lock.LockException;
import dev.sealbuild.lockfiles.lock.Lockfile;
import dev.sealbuild.lockfiles.lock.LockfileIO;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The locks of the projects {@code build cache push|export|gc} are given: each with its spec name and digest. */
record CacheLocks(List<Entry> entries) {
  /** One project's lock; {@code digest} is the sha256 of the lock file's bytes. */
  record Entry(Path lockFile, String specName, Lockfile lock, Sha256 digest) {
    Map<Sha256, NeededBlob> needed() {
      return LockBlobs.of(lock);
    }
  }

  /**
   * The artifacts a cache command writes: one per lock of {@code paths}, holding the blobs it needs, or the whole
   * cache as one when no path is given.
   */
  static List<CacheArtifact> artifacts(Environment env, List<Path> paths, VendorCacheLayout layout) {
    List<CacheArtifact> artifacts = new ArrayList<>();
    if (paths.isEmpty()) {
      artifacts.add(CacheArtifact.wholeCache(CacheSelection.all(layout)));
    } else {
      for (Entry lock : load(env, paths).entries()) {
        artifacts.add(CacheArtifact.forLock(lock.specName(), lock.digest(),
            CacheSelection.needed(layout, lock.needed().values())));
      }
    }
    return artifacts;
  }

  static CacheLocks load(Environment env, List<Path> paths) {
    List<Entry> entries = new ArrayList<>();
    for (Path path : paths) {
      Project project = Project.load(env, path);
      Path lockFile = project.lockFile();
      Lockfile lock = new LockfileIO().read(lockFile);
      Sha256 digest;
      try {
        digest = Sha256.hash(Files.readAllBytes(lockFile));
      } catch (IOException e) {
        throw new LockException(lockFile + ": cannot read lockfile: " + e.getMessage());
      }
      entries.add(new Entry(lockFile, project.spec().name(), lock, digest));
    }
    return new CacheLocks(List.copyOf(entries));
  }

  /** What all of them need, each blob once. */
  Map<Sha256, NeededBlob> needed() {
    Map<Sha256, NeededBlob> needed = new LinkedHashMap<>();
    for (Entry entry : entries) {
      entry.needed().forEach(needed::putIfAbsent);
    }
    return needed;
  }
}

package dev.sealbuild.cli;

import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.lockfiles.cache.LockBlobs;
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

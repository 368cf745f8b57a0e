package dev.sealbuild.prep.packages;

import dev.sealbuild.lockfiles.lock.LockedPackage;
import dev.sealbuild.lockfiles.lock.LockedRepository;
import dev.sealbuild.lockfiles.spec.BuildSpec;
import java.io.IOException;
import java.util.List;

/** Resolves a spec's {@code packages} against its signed repositories, for every platform. */
public interface PackageLocker {
  /** Resolves and pins on top of the locked base, whose package database counts. */
  Pinned lock(BuildSpec spec, LockedBase base) throws IOException;

  /** Resolves without downloading packages (for {@code lock --dry-run}); digests may be unknown (null). */
  default List<Planned> plan(BuildSpec spec, LockedBase base) throws IOException {
    return lock(spec, base).packages().stream()
        .map(p -> new Planned(p.type(), p.name(), p.version(), p.architecture(), p.repository(), p.sha256(), p.size(), p.platforms()))
        .toList();
  }

  record Planned(String type, String name, String version, String architecture, String repository,
      dev.sealbuild.formats.digest.Sha256 sha256, long size, List<dev.sealbuild.lockfiles.spec.Platform> platforms) {}

  record Pinned(List<LockedRepository> repositories, List<LockedPackage> packages) {}
}

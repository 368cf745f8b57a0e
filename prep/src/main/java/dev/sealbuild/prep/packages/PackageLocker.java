package dev.sealbuild.prep.packages;

import dev.sealbuild.lockfiles.lock.ExcludedPackage;
import dev.sealbuild.lockfiles.lock.LockedPackage;
import dev.sealbuild.lockfiles.lock.LockedRepository;
import dev.sealbuild.lockfiles.lock.RemovedPackage;
import dev.sealbuild.lockfiles.spec.BuildSpec;
import java.io.IOException;
import java.util.List;

/** Resolves a spec's {@code packages} against its signed repositories, for every platform. */
public interface PackageLocker {
  /** Resolves and pins on top of the locked base, whose package database counts. */
  Pinned lock(BuildSpec spec, LockedBase base) throws IOException;

  /** Resolves without downloading packages (for {@code lock --dry-run}); digests may be unknown (null). */
  default Plan plan(BuildSpec spec, LockedBase base) throws IOException {
    Pinned pinned = lock(spec, base);
    return new Plan(pinned.packages().stream()
        .map(p -> new Planned(p.type(), p.name(), p.version(), p.architecture(), p.repository(), p.sha256(), p.size(),
            p.platforms(), p.buildOnly()))
        .toList(), pinned.excluded(), pinned.removed());
  }

  /** What a dry run would pin, what {@code exclude:} would keep out, and what of the base would go. */
  record Plan(List<Planned> packages, List<ExcludedPackage> excluded, List<RemovedPackage> removed) {
    public Plan(List<Planned> packages, List<ExcludedPackage> excluded) {
      this(packages, excluded, List.of());
    }
  }

  record Planned(String type, String name, String version, String architecture, String repository,
      dev.sealbuild.formats.digest.Sha256 sha256, long size, List<dev.sealbuild.formats.oci.Platform> platforms,
      boolean buildOnly) {
    public Planned(String type, String name, String version, String architecture, String repository,
        dev.sealbuild.formats.digest.Sha256 sha256, long size, List<dev.sealbuild.formats.oci.Platform> platforms) {
      this(type, name, version, architecture, repository, sha256, size, platforms, false);
    }

    Planned asBuildOnly() {
      return new Planned(type, name, version, architecture, repository, sha256, size, platforms, true);
    }
  }

  /**
   * The pinned closure; {@code excluded} lists the dependencies {@code exclude:} dropped, and who needed them;
   * {@code removed} the base's packages the resolution takes out (Alpine).
   */
  record Pinned(List<LockedRepository> repositories, List<LockedPackage> packages, List<ExcludedPackage> excluded,
      List<RemovedPackage> removed) {
    public Pinned(List<LockedRepository> repositories, List<LockedPackage> packages) {
      this(repositories, packages, List.of());
    }

    public Pinned(List<LockedRepository> repositories, List<LockedPackage> packages, List<ExcludedPackage> excluded) {
      this(repositories, packages, excluded, List.of());
    }
  }
}

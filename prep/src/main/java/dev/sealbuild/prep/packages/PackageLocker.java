package dev.sealbuild.prep.packages;

import dev.sealbuild.lockfiles.lock.LockedPackage;
import dev.sealbuild.lockfiles.lock.LockedRepository;
import dev.sealbuild.lockfiles.spec.BuildSpec;
import java.io.IOException;
import java.util.List;

/** Resolves a spec's {@code packages} against its signed repositories, for every platform. */
public interface PackageLocker {
  Pinned lock(BuildSpec spec) throws IOException;

  record Pinned(List<LockedRepository> repositories, List<LockedPackage> packages) {}
}

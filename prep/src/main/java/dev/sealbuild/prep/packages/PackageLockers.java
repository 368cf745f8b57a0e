package dev.sealbuild.prep.packages;

import dev.sealbuild.lockfiles.spec.BuildSpec;
import dev.sealbuild.lockfiles.spec.RepositorySpec;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The package locker for each spec a project locks (the image's, and each stage's view, whose repositories may be of
 * another type): Debian or Alpine by the spec's repositories. {@code --mirror} names are checked once against every
 * repository of the project; each locker sees only the overrides that name one of its own spec's repositories.
 */
public final class PackageLockers implements PackageLocker {
  private final Mirrors mirrors;
  private final List<RepositorySpec> every;
  private final Function<Mirrors, PackageLocker> debian;
  private final Function<Mirrors, PackageLocker> alpine;

  public PackageLockers(Mirrors mirrors, List<RepositorySpec> everyRepository, Function<Mirrors, PackageLocker> debian,
      Function<Mirrors, PackageLocker> alpine) {
    this.mirrors = mirrors;
    this.every = List.copyOf(everyRepository);
    this.debian = debian;
    this.alpine = alpine;
  }

  /**
   * With {@code buildPackages}, the closure the steps see is resolved as one request, and what the image keeps is what
   * the spec's {@code packages} alone resolve to (as {@code apk del} of a virtual package re-resolves the world
   * without it): every other package of the closure is pinned as build-only.
   */
  @Override
  public Pinned lock(BuildSpec spec, LockedBase base) throws IOException {
    PackageLocker locker = pick(spec);
    if (spec.buildPackages().isEmpty()) {
      return locker.lock(spec, base);
    }
    Pinned all = locker.lock(spec.withBuildPackagesInstalled(), base);
    Set<String> kept = keptNames(locker, spec, base);
    return new Pinned(all.repositories(), all.packages().stream()
        .map(p -> kept.contains(p.name()) ? p : p.asBuildOnly()).toList(), all.excluded(), all.removed());
  }

  @Override
  public Plan plan(BuildSpec spec, LockedBase base) throws IOException {
    PackageLocker locker = pick(spec);
    if (spec.buildPackages().isEmpty()) {
      return locker.plan(spec, base);
    }
    Plan all = locker.plan(spec.withBuildPackagesInstalled(), base);
    Set<String> kept = keptNames(locker, spec, base);
    return new Plan(all.packages().stream().map(p -> kept.contains(p.name()) ? p : p.asBuildOnly()).toList(),
        all.excluded(), all.removed());
  }

  private static Set<String> keptNames(PackageLocker locker, BuildSpec spec, LockedBase base) throws IOException {
    if (spec.packages().isEmpty()) {
      return Set.of();
    }
    Set<String> names = new HashSet<>();
    locker.plan(spec.withoutBuildPackages(), base).packages().forEach(p -> names.add(p.name()));
    return names;
  }

  private PackageLocker pick(BuildSpec spec) {
    mirrors.checkOverridesName(every);
    Mirrors own = mirrors.only(spec.repositories());
    return RepositorySpec.ALPINE.equals(spec.packageType()) ? alpine.apply(own) : debian.apply(own);
  }
}

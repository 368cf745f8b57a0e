package dev.sealbuild.prep.packages;

import dev.sealbuild.lockfiles.spec.BuildSpec;
import dev.sealbuild.lockfiles.spec.RepositorySpec;
import java.io.IOException;
import java.util.List;
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

  @Override
  public Pinned lock(BuildSpec spec, LockedBase base) throws IOException {
    return pick(spec).lock(spec, base);
  }

  @Override
  public Plan plan(BuildSpec spec, LockedBase base) throws IOException {
    return pick(spec).plan(spec, base);
  }

  private PackageLocker pick(BuildSpec spec) {
    mirrors.checkOverridesName(every);
    Mirrors own = mirrors.only(spec.repositories());
    return RepositorySpec.ALPINE.equals(spec.packageType()) ? alpine.apply(own) : debian.apply(own);
  }
}

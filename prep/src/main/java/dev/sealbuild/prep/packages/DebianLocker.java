package dev.sealbuild.prep.packages;

import dev.sealbuild.lockfiles.lock.LockedPackage;
import dev.sealbuild.lockfiles.lock.LockedRepository;
import dev.sealbuild.lockfiles.spec.BuildSpec;
import dev.sealbuild.formats.oci.Platform;
import dev.sealbuild.lockfiles.spec.DebianPackageRequest;
import dev.sealbuild.lockfiles.spec.RepositorySpec;
import dev.sealbuild.prep.debian.DebianMetadataException;
import dev.sealbuild.prep.debian.DebianPackage;
import dev.sealbuild.prep.debian.InstalledDebianPackage;
import dev.sealbuild.prep.debian.DebianRepositoryIndex;
import dev.sealbuild.prep.debian.DebianRepositoryReader;
import dev.sealbuild.prep.debian.DebianResolution;
import dev.sealbuild.prep.debian.DebianResolutionException;
import dev.sealbuild.prep.debian.DebianResolver;
import dev.sealbuild.prep.debian.InReleaseVerifier;
import dev.sealbuild.prep.debian.IndexCache;
import dev.sealbuild.prep.debian.ResolvedDebianPackage;
import dev.sealbuild.prep.debian.TransportMetadataSource;
import dev.sealbuild.prep.http.Transport;
import java.io.IOException;
import java.nio.file.Files;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Pins Debian packages: verifies each repository's InRelease against its keyring, reads the Packages
 * indexes it vouches for, and resolves the closure per platform as apt would. Records content, not
 * location: per package the pool path and sha256, per repository the InRelease digest, date and signer.
 */
public final class DebianLocker implements PackageLocker {
  public static final Path DEFAULT_KEYRING = Path.of("/usr/share/keyrings/debian-archive-keyring.gpg");

  private final Mirrors mirrors;
  private final Transport transport;
  private final Path specDir;
  private final Clock clock;
  private final boolean allowExpiredMetadata;
  private final Consumer<String> progress;
  /** Null: indexes are not kept between runs. */
  private final IndexCache indexCache;
  /** Null: the base is not read (no {@code from: base}, nothing subtracted). */
  private final BaseFiles.Reader baseReader;

  public DebianLocker(Mirrors mirrors, Transport transport, Path specDir, Clock clock, boolean allowExpiredMetadata,
                      Consumer<String> progress) {
    this(mirrors, transport, specDir, clock, allowExpiredMetadata, progress, null);
  }

  /** A locker that keeps verified Packages indexes in {@code indexCache}, so an unchanged suite is not fetched again. */
  public DebianLocker(Mirrors mirrors, Transport transport, Path specDir, Clock clock, boolean allowExpiredMetadata,
                      Consumer<String> progress, IndexCache indexCache) {
    this(mirrors, transport, specDir, clock, allowExpiredMetadata, progress, indexCache, null);
  }

  /**
   * A locker that also reads the base through {@code baseReader}: {@code from: base} repositories come from its apt
   * sources, and what its dpkg database lists as installed is not installed again.
   */
  public DebianLocker(Mirrors mirrors, Transport transport, Path specDir, Clock clock, boolean allowExpiredMetadata,
                      Consumer<String> progress, IndexCache indexCache, BaseFiles.Reader baseReader) {
    this.baseReader = baseReader;
    this.indexCache = indexCache;
    this.mirrors = mirrors;
    this.transport = transport;
    this.specDir = specDir;
    this.clock = clock;
    this.allowExpiredMetadata = allowExpiredMetadata;
    this.progress = progress;
  }

  /** Metadata that cannot be fetched, verified or read is a user error naming the repository file and what to do. */
  @Override
  public Pinned lock(BuildSpec spec, LockedBase base) throws IOException {
    try {
      return pin(spec, base, true);
    } catch (DebianMetadataException e) {
      throw new PackageException(e.getMessage(), e);
    }
  }

  @Override
  public Plan plan(BuildSpec spec, LockedBase base) throws IOException {
    try {
      Pinned pinned = pin(spec, base, false);
      return new Plan(pinned.packages().stream()
          .map(p -> new Planned(p.type(), p.name(), p.version(), p.architecture(), p.repository(), p.sha256(), p.size(), p.platforms()))
          .toList(), pinned.excluded());
    } catch (DebianMetadataException e) {
      throw new PackageException(e.getMessage(), e);
    }
  }

  /**
   * One repository to read: a spec entry, or one a {@code from: base} entry found in the base ({@code from} and
   * {@code recordedUrl} set, recorded in the lock).
   */
  private record Source(String name, URI url, String suite, List<String> components, InReleaseVerifier verifier, String from,
      String recordedUrl, Integer priority) {
    /** The index with the entry's {@code priority:} as its pin, if it has one. */
    DebianRepositoryIndex pinned(DebianRepositoryIndex index) {
      return priority == null ? index : index.withPinPriority(priority);
    }
  }

  /** The base's files per platform, read once per lock. */
  private final class Base {
    private final LockedBase locked;
    private final boolean mayDownload;
    private final Map<Platform, Optional<BaseFiles.Found>> read = new java.util.HashMap<>();

    Base(LockedBase locked, boolean mayDownload) {
      this.locked = locked;
      this.mayDownload = mayDownload;
    }

    Optional<BaseFiles.Found> files(Platform platform) throws IOException {
      if (locked.isScratch() || baseReader == null) {
        return Optional.empty();
      }
      Optional<BaseFiles.Found> found = read.get(platform);
      if (found == null) {
        found = Optional.ofNullable(baseReader.read(locked, platform, mayDownload));
        read.put(platform, found);
      }
      return found;
    }
  }

  /**
   * On a stage base, what the base stages install counts as installed, as if in the base's dpkg database: each is
   * found in the indexes by name, version, architecture and checksum, for its Provides, Conflicts and Breaks.
   */
  private static List<InstalledDebianPackage> stagePackages(LockedBase base, Platform platform,
      List<DebianRepositoryIndex> indexes) {
    List<InstalledDebianPackage> out = new ArrayList<>();
    for (LockedPackage locked : base.installed()) {
      if (!"deb".equals(locked.type()) || !locked.platforms().contains(platform)) {
        continue;
      }
      DebianPackage found = indexes.stream().flatMap(i -> i.packages().stream())
          .filter(p -> p.name().equals(locked.name()) && p.version().text().equals(locked.version())
              && p.architecture().equals(locked.architecture()) && p.sha256().equals(locked.sha256()))
          .findFirst()
          .orElseThrow(() -> new PackageException(platform + ": " + locked.name() + " " + locked.version()
              + ", which the base stage installs, is no longer in the repositories' indexes; lock the base stage again"));
      out.add(new InstalledDebianPackage(found.name(), found.version(), found.architecture(), found.multiArch(),
          found.relations().provides(), found.relations().conflicts(), found.relations().breaks()));
    }
    return out;
  }

  private List<Source> sources(BuildSpec spec, Base base) throws IOException {
    List<Source> sources = new ArrayList<>();
    for (RepositorySpec repo : spec.repositories()) {
      if (!repo.isFromBase()) {
        sources.add(new Source(repo.name(), mirrors.baseUrl(repo), repo.suite(), repo.components(),
            InReleaseVerifier.fromKeyringFile(keyring(repo), clock), null, null, repo.priority()));
        continue;
      }
      if (base.locked.isScratch()) {
        throw new PackageException("repository " + repo.name() + ": from: base needs " + (spec.base().isScratch()
            ? "a base image or rootfs, not scratch" : "the base pinned and cached; run build lock (not --dry-run) first"));
      }
      if (baseReader == null) {
        throw new PackageException("repository " + repo.name() + ": from: base cannot be read by this locker");
      }
      BaseFiles.Found found = base.files(spec.platforms().get(0)).orElseThrow(() -> new PackageException("repository "
          + repo.name() + ": from: base needs the base in the cache; run build lock (not --dry-run) or build prep first"));
      for (BaseRepositories.Debian d : BaseRepositories.debian(repo.name(), found)) {
        sources.add(new Source(d.name(), mirrors.baseUrl(d.name(), d.url()), d.suite(), d.components(),
            new InReleaseVerifier(d.keyring(), clock), d.from(), d.url().toString(), repo.priority()));
      }
    }
    return sources;
  }

  private Pinned pin(BuildSpec spec, LockedBase lockedBase, boolean mayDownload) throws IOException {
    if (indexCache == null) {
      return pinPackages(spec, lockedBase, mayDownload);
    }
    Pinned pinned;
    try {
      pinned = pinPackages(spec, lockedBase, mayDownload);
    } catch (IOException | RuntimeException e) {
      try {
        indexCache.awaitWrites();
      } catch (IOException | RuntimeException alsoFailed) {
        e.addSuppressed(alsoFailed);
      }
      throw e;
    }
    indexCache.awaitWrites();
    return pinned;
  }

  private Pinned pinPackages(BuildSpec spec, LockedBase lockedBase, boolean mayDownload) throws IOException {
    mirrors.checkOverridesName(spec.repositories());
    Base base = new Base(lockedBase, mayDownload);
    Map<String, LockedRepository> repositories = new TreeMap<>();
    Map<String, LockedPackage> packages = new TreeMap<>();
    Exclusions excluded = new Exclusions();
    Map<String, DebianRepositoryReader> readers = new LinkedHashMap<>();
    List<Source> sources = sources(spec, base);
    for (Source source : sources) {
      readers.put(source.name(), new DebianRepositoryReader(
          new TransportMetadataSource(transport, source.url(), "repository '" + source.name() + "'"),
          source.verifier(), clock, allowExpiredMetadata, indexCache));
    }
    for (Platform platform : spec.platforms()) {
      String arch = DebianArchitectures.of(platform);
      List<DebianRepositoryIndex> indexes = new ArrayList<>();
      for (Source repo : sources) {
        progress.accept("reading " + repo.name() + " " + repo.suite() + " " + repo.components() + " " + arch);
        DebianRepositoryIndex index = repo.pinned(readers.get(repo.name()).read(repo.name(), repo.suite(), repo.components(), arch));
        indexes.add(index);
        repositories.put(repo.name(), new LockedRepository(repo.name(), RepositorySpec.DEBIAN, List.of(
            new LockedRepository.Index("dists/" + repo.suite() + "/InRelease", index.inReleaseSha256(),
                index.date().toString(), index.signerFingerprint())), null, repo.from(), repo.recordedUrl(),
            repo.from() == null ? null : repo.suite(), repo.from() == null ? null : repo.components()));
      }
      BaseDpkgDatabase.Installed installed = base.files(platform).map(BaseDpkgDatabase::of).orElse(BaseDpkgDatabase.Installed.NONE);
      if (!installed.packages().isEmpty()) {
        progress.accept("the base has " + installed.packages().size() + " installed packages for " + arch + "; they are not installed again");
      }
      List<InstalledDebianPackage> present = new ArrayList<>(installed.packages());
      present.addAll(stagePackages(lockedBase, platform, indexes));
      Map<String, List<DebianRepositoryIndex>> foreignIndexes = new TreeMap<>();
      for (Map.Entry<String, String> foreign : foreignArchitectures(spec.packages(), arch).entrySet()) {
        String foreignArch = foreign.getKey();
        List<DebianRepositoryIndex> theirs = new ArrayList<>();
        for (Source repo : sources) {
          progress.accept("reading " + repo.name() + " " + repo.suite() + " " + repo.components() + " " + foreignArch
              + " (for " + foreign.getValue() + ")");
          try {
            theirs.add(repo.pinned(readers.get(repo.name()).read(repo.name(), repo.suite(), repo.components(), foreignArch)));
          } catch (DebianMetadataException e) {
            throw new PackageException("package '" + foreign.getValue() + "' needs the " + foreignArch + " index of "
                + repo.name() + ": " + e.getMessage(), e);
          }
        }
        foreignIndexes.put(foreignArch, theirs);
      }
      DebianResolution resolution;
      try {
        resolution = new DebianResolver(indexes, foreignIndexes).resolve(spec.packages(), spec.exclude(), present);
      } catch (DebianResolutionException e) {
        throw new PackageException(platform + ": " + e.getMessage());
      }
      resolution.excluded().forEach(e -> excluded.add(e.name(), e.neededBy(), e.dependencies(), platform));
      for (ResolvedDebianPackage p : resolution.packages()) {
        String key = p.name() + " " + p.version().text() + " " + p.architecture() + " " + p.sha256();
        LockedPackage previous = packages.get(key);
        List<Platform> platforms = new ArrayList<>(previous == null ? List.of() : previous.platforms());
        platforms.add(platform);
        packages.put(key, new LockedPackage("deb", p.name(), p.version().text(), p.architecture(), p.repository(),
            p.filename(), p.sha256(), p.size(), null, platforms));
      }
    }
    return new Pinned(List.copyOf(repositories.values()), List.copyOf(packages.values()), excluded.toList());
  }

  /** The architectures other than {@code arch} that {@code name:arch} requests name, each with the first such request. */
  private static Map<String, String> foreignArchitectures(List<String> requests, String arch) {
    Map<String, String> out = new TreeMap<>();
    for (String request : requests) {
      String wanted = DebianPackageRequest.parse(request).architectureOn(arch);
      if (!wanted.equals(arch)) {
        out.putIfAbsent(wanted, request);
      }
    }
    return out;
  }

  private Path keyring(RepositorySpec repo) throws DebianMetadataException {
    Path keyring = repo.keyring() == null ? DEFAULT_KEYRING : specDir.resolve(repo.keyring()).normalize();
    if (!Files.isRegularFile(keyring)) {
      throw new PackageException("repository " + repo.name() + ": keyring " + keyring + " not found"
          + (repo.keyring() == null ? "; install debian-archive-keyring or set keyring: in build.yaml" : ""));
    }
    return keyring;
  }
}

package dev.sealbuild.prep.packages;

import dev.sealbuild.lockfiles.lock.LockedPackage;
import dev.sealbuild.lockfiles.lock.LockedRepository;
import dev.sealbuild.lockfiles.spec.BuildSpec;
import dev.sealbuild.formats.oci.Platform;
import dev.sealbuild.lockfiles.spec.RepositorySpec;
import dev.sealbuild.prep.debian.DebianMetadataException;
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
import java.nio.file.Path;
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

  public DebianLocker(Mirrors mirrors, Transport transport, Path specDir, Clock clock, boolean allowExpiredMetadata,
                      Consumer<String> progress) {
    this(mirrors, transport, specDir, clock, allowExpiredMetadata, progress, null);
  }

  /** A locker that keeps verified Packages indexes in {@code indexCache}, so an unchanged suite is not fetched again. */
  public DebianLocker(Mirrors mirrors, Transport transport, Path specDir, Clock clock, boolean allowExpiredMetadata,
                      Consumer<String> progress, IndexCache indexCache) {
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
      return pin(spec);
    } catch (DebianMetadataException e) {
      throw new PackageException(e.getMessage(), e);
    }
  }

  private Pinned pin(BuildSpec spec) throws IOException {
    mirrors.checkOverridesName(spec.repositories());
    Map<String, LockedRepository> repositories = new TreeMap<>();
    Map<String, LockedPackage> packages = new TreeMap<>();
    Exclusions excluded = new Exclusions();
    Map<String, DebianRepositoryReader> readers = new LinkedHashMap<>();
    for (RepositorySpec repo : spec.repositories()) {
      readers.put(repo.name(), new DebianRepositoryReader(
          new TransportMetadataSource(transport, mirrors.baseUrl(repo), "repository '" + repo.name() + "'"),
          InReleaseVerifier.fromKeyringFile(keyring(repo), clock), clock, allowExpiredMetadata, indexCache));
    }
    for (Platform platform : spec.platforms()) {
      String arch = DebianArchitectures.of(platform);
      List<DebianRepositoryIndex> indexes = new ArrayList<>();
      for (RepositorySpec repo : spec.repositories()) {
        progress.accept("reading " + repo.name() + " " + repo.suite() + " " + repo.components() + " " + arch);
        DebianRepositoryIndex index = readers.get(repo.name()).read(repo.name(), repo.suite(), repo.components(), arch);
        indexes.add(index);
        repositories.put(repo.name(), new LockedRepository(repo.name(), RepositorySpec.DEBIAN, List.of(
            new LockedRepository.Index("dists/" + repo.suite() + "/InRelease", index.inReleaseSha256(),
                index.date().toString(), index.signerFingerprint())), null));
      }
      DebianResolution resolution;
      try {
        resolution = new DebianResolver(indexes).resolve(spec.packages(), spec.exclude());
      } catch (DebianResolutionException e) {
        throw new PackageException(platform + ": " + e.getMessage());
      }
      resolution.excluded().forEach(e -> excluded.add(e.name(), e.neededBy(), platform));
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

  private Path keyring(RepositorySpec repo) throws DebianMetadataException {
    Path keyring = repo.keyring() == null ? DEFAULT_KEYRING : specDir.resolve(repo.keyring()).normalize();
    if (!Files.isRegularFile(keyring)) {
      throw new PackageException("repository " + repo.name() + ": keyring " + keyring + " not found"
          + (repo.keyring() == null ? "; install debian-archive-keyring or set keyring: in build.yaml" : ""));
    }
    return keyring;
  }
}

package dev.sealbuild.prep.packages;

import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.lockfiles.lock.ExcludedPackage;
import dev.sealbuild.lockfiles.lock.LockedPackage;
import dev.sealbuild.lockfiles.lock.LockedRepository;
import dev.sealbuild.lockfiles.lock.RemovedPackage;
import dev.sealbuild.lockfiles.spec.ApkWorldEntry;
import dev.sealbuild.lockfiles.spec.BuildSpec;
import dev.sealbuild.formats.oci.Platform;
import dev.sealbuild.lockfiles.spec.RepositorySpec;
import dev.sealbuild.prep.alpine.ApkException;
import dev.sealbuild.prep.alpine.ApkIndexVerifier;
import dev.sealbuild.prep.alpine.ApkInstalledDb;
import dev.sealbuild.prep.alpine.ApkKeyring;
import dev.sealbuild.prep.alpine.ApkLimits;
import dev.sealbuild.prep.alpine.ApkPackage;
import dev.sealbuild.prep.alpine.ApkPackageVerifier;
import dev.sealbuild.prep.alpine.ApkResolution;
import dev.sealbuild.prep.alpine.ApkResolver;
import dev.sealbuild.prep.alpine.SignedApkIndex;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Pins Alpine packages: verifies each repository's {@code APKINDEX.tar.gz} signature against the spec's
 * keys, resolves the closure like apk (packages a base root filesystem already has are not installed
 * again), then downloads each package once, checks it against the signed index (Q1 control checksum,
 * size, signature, datahash) and records its SHA-256: the lock's root of trust is SHA-256, not the index's
 * SHA-1. The keys are embedded in the lock so a rebuild never depends on them still being published.
 */
public final class AlpineLocker implements PackageLocker {
  /** How the locker reaches the network and the cache; implemented over prep's fetcher and cache writer. */
  public interface Transport {
    byte[] fetchIndex(URI url, String label) throws IOException;

    /** Downloads into the cache (or finds it there) and returns its digest and size. */
    Pinned fetchPackage(URI url, String label) throws IOException;

    InputStream openCached(Sha256 digest) throws IOException;

    /** Removes a blob that turned out not to be what the signed index describes. */
    void discard(Sha256 digest) throws IOException;

    /**
     * The base's package database, os-release and apk sources and keys ({@link BaseFiles#PACKAGE_FILES}); null when a
     * dry run finds the base not cached.
     */
    BaseFiles.Found baseFiles(LockedBase base, Platform platform, boolean mayDownload) throws IOException;

    record Pinned(Sha256 sha256, long size) {}

    record BaseDatabase(String installed, String world) {}
  }

  private final Mirrors mirrors;
  private final Path specDir;
  private final Transport transport;
  private final Consumer<String> progress;

  public AlpineLocker(Mirrors mirrors, Path specDir, Transport transport, Consumer<String> progress) {
    this.mirrors = mirrors;
    this.specDir = specDir;
    this.transport = transport;
    this.progress = progress;
  }

  @Override
  public Pinned lock(BuildSpec spec, LockedBase base) throws IOException {
    List<Resolved> resolved = resolve(spec, base, true);
    return new Pinned(resolved.isEmpty() ? List.of() : resolved.get(0).repositories(),
        resolved.isEmpty() ? List.of() : resolved.get(0).packages().stream().map(Resolved.Entry::locked).toList(),
        resolved.isEmpty() ? List.of() : resolved.get(0).excluded(), resolved.isEmpty() ? List.of() : resolved.get(0).removed());
  }

  @Override
  public Plan plan(BuildSpec spec, LockedBase base) throws IOException {
    List<Resolved> resolved = resolve(spec, base, false);
    if (resolved.isEmpty()) {
      return new Plan(List.of(), List.of());
    }
    return new Plan(resolved.get(0).packages().stream().map(e -> {
      LockedPackage p = e.locked();
      return new Planned(p.type(), p.name(), p.version(), p.architecture(), p.repository(), e.downloaded() ? p.sha256() : null,
          p.size(), p.platforms());
    }).toList(), resolved.get(0).excluded(), resolved.get(0).removed());
  }

  private record Resolved(List<LockedRepository> repositories, List<Entry> packages, List<ExcludedPackage> excluded,
      List<RemovedPackage> removed) {
    record Entry(LockedPackage locked, boolean downloaded) {}
  }

  /** Without {@code download}, packages are resolved but not fetched: their sha256 is left unknown. */
  /** A repository to read: a spec entry, or one a {@code from: base} entry found in the base (recorded in the lock). */
  private record Source(String name, URI url, String from, String recordedUrl, String tag) {}

  private List<Resolved> resolve(BuildSpec spec, LockedBase lockedBase, boolean download) throws IOException {
    mirrors.checkOverridesName(spec.repositories());
    BaseFiles.Found files = lockedBase.isScratch() ? null : transport.baseFiles(lockedBase, spec.platforms().get(0), download);
    Map<String, Map<String, String>> keysByRepo = new LinkedHashMap<>();
    List<Source> sources = new ArrayList<>();
    for (RepositorySpec repo : spec.repositories()) {
      if (!repo.isFromBase()) {
        keysByRepo.put(repo.name(), readKeys(repo));
        sources.add(new Source(repo.name(), mirrors.baseUrl(repo), null, null, repo.tag()));
        continue;
      }
      if (files == null) {
        throw new PackageException("repository " + repo.name() + ": from: base needs the base"
            + (spec.base().isScratch() ? " to be an image or rootfs, not scratch"
                : " pinned and in the cache; run build lock (not --dry-run) or build prep first"));
      }
      for (BaseRepositories.Alpine a : BaseRepositories.alpine(repo.name(), files)) {
        for (Map.Entry<String, String> key : a.keys().entrySet()) {
          try {
            ApkKeyring.parsePem(key.getValue(), key.getKey());
          } catch (ApkException e) {
            throw new PackageException(files.label() + ": /etc/apk/keys/" + key.getKey() + ": " + e.getMessage());
          }
        }
        keysByRepo.put(a.name(), a.keys());
        sources.add(new Source(a.name(), mirrors.baseUrl(a.name(), a.url()), a.from(), a.url().toString(), a.tag()));
      }
    }
    checkTagsFound(spec, sources, files);
    Transport.BaseDatabase base = files == null ? null : BaseApkDatabase.of(files);
    ApkInstalledDb installed = base == null ? ApkInstalledDb.empty() : ApkInstalledDb.parse(base.installed(), base.world());
    Map<String, List<LockedRepository.Index>> indexes = new TreeMap<>();
    Map<String, Resolved.Entry> packages = new TreeMap<>();
    Exclusions excluded = new Exclusions();
    Map<String, List<Platform>> removed = new TreeMap<>();
    for (Platform platform : spec.platforms()) {
      String arch = ApkArchitectures.of(platform);
      List<ApkPackage> available = new ArrayList<>();
      List<ApkResolver.Repository> repositories = new ArrayList<>();
      Map<String, String> repoOfChecksum = new LinkedHashMap<>();
      for (Source repo : sources) {
        URI url = URI.create(repo.url() + "/" + arch + "/APKINDEX.tar.gz");
        progress.accept("reading " + repo.name() + " " + url);
        ApkKeyring keyring = ApkKeyring.fromPem(keysByRepo.get(repo.name()));
        SignedApkIndex signed;
        try {
          signed = new ApkIndexVerifier(keyring, ApkLimits.defaults()).verify(transport.fetchIndex(url, repo.name() + " index"), url.toString());
        } catch (ApkException e) {
          throw new PackageException("repository " + repo.name() + ": " + e.getMessage());
        }
        indexes.computeIfAbsent(repo.name(), k -> new ArrayList<>())
            .add(new LockedRepository.Index(arch + "/APKINDEX.tar.gz", signed.sha256(), null, signed.signingKey()));
        for (ApkPackage p : signed.index().packages()) {
          repoOfChecksum.putIfAbsent(p.checksum(), repo.name());
          available.add(p);
        }
        repositories.add(new ApkResolver.Repository(repo.tag(), signed.index().packages()));
      }
      List<ApkPackage> toInstall;
      try {
        ApkResolution resolution = ApkResolver.of(repositories, withStagePackages(installed, lockedBase, platform, available))
            .resolve(spec.packages(), spec.exclude());
        resolution.excluded().forEach((name, neededBy) -> excluded.add(name, neededBy, platform));
        toInstall = resolution.toInstall();
        // As apk: base packages the request conflicts with, or replaces by another version or provider, go.
        resolution.toRemove().forEach(p -> removed.computeIfAbsent(p.name() + " " + p.version(), k -> new ArrayList<>())
            .add(platform));
      } catch (ApkException e) {
        throw new PackageException(platform + ": " + e.getMessage());
      }
      for (ApkPackage p : toInstall) {
        String repo = repoOfChecksum.get(p.checksum());
        String key = p.name() + " " + p.version() + " " + arch;
        Resolved.Entry previousEntry = packages.get(key);
        LockedPackage previous = previousEntry == null ? null : previousEntry.locked();
        List<Platform> platforms = new ArrayList<>(previous == null ? List.of() : previous.platforms());
        platforms.add(platform);
        Sha256 sha = previousEntry != null && previousEntry.downloaded() ? previous.sha256() : null;
        long size = p.size();
        if (sha == null && download) {
          Source source = sources.stream().filter(r -> r.name().equals(repo)).findFirst().orElseThrow();
          URI url = URI.create(source.url() + "/" + arch + "/" + p.fileName());
          Transport.Pinned pinned = transport.fetchPackage(url, p.nameVersion());
          verify(p, pinned, ApkKeyring.fromPem(keysByRepo.get(repo)));
          sha = pinned.sha256();
          size = pinned.size();
        }
        packages.put(key, new Resolved.Entry(new LockedPackage("apk", p.name(), p.version(), arch, repo, arch + "/" + p.fileName(),
            sha == null ? UNKNOWN : sha, size, p.checksum(), platforms), sha != null));
      }
    }
    List<LockedRepository> repositories = new ArrayList<>();
    for (Source repo : sources) {
      List<LockedRepository.Key> keys = keysByRepo.get(repo.name()).entrySet().stream()
          .map(e -> new LockedRepository.Key(e.getKey(), e.getValue())).toList();
      repositories.add(new LockedRepository(repo.name(), RepositorySpec.ALPINE, indexes.getOrDefault(repo.name(), List.of()), keys,
          repo.from(), repo.recordedUrl(), null, null));
    }
    List<RemovedPackage> removals = new ArrayList<>();
    removed.forEach((nameVersion, platforms) -> removals.add(new RemovedPackage(nameVersion.substring(0, nameVersion.indexOf(' ')),
        nameVersion.substring(nameVersion.indexOf(' ') + 1), platforms)));
    return List.of(new Resolved(repositories, List.copyOf(packages.values()), excluded.toList(), removals));
  }

  /**
   * A {@code name@tag} request needs a repository with that tag. The spec check lets a tag through when a
   * {@code from: base} entry may supply it; here the base's {@code /etc/apk/repositories} has been read.
   */
  private static void checkTagsFound(BuildSpec spec, List<Source> sources, BaseFiles.Found files) {
    for (String pkg : spec.packages()) {
      ApkWorldEntry.parse(pkg).tag().ifPresent(tag -> {
        if (sources.stream().noneMatch(s -> tag.equals(s.tag()))) {
          throw new PackageException("package '" + pkg + "': no repository has tag " + tag + " (neither a tag: in build.yaml"
              + (files == null ? "" : " nor a line @" + tag + " URL in " + files.label() + "'s /etc/apk/repositories")
              + "); add tag: " + tag + " to the repository entry it should come from, or drop @" + tag);
        }
      });
    }
  }

  /**
   * On a stage base, what the base stages install counts as installed (as if in the base's database and world): each
   * is found in the indexes by name, version and checksum. What they remove from the base is not installed, and the
   * base's world no longer asks for it.
   */
  private static ApkInstalledDb withStagePackages(ApkInstalledDb installed, LockedBase base, Platform platform,
      List<ApkPackage> available) {
    Set<String> gone = new HashSet<>();
    base.removed().stream().filter(r -> r.platforms().contains(platform)).forEach(r -> gone.add(r.name() + " " + r.version()));
    // A stage nearer the image may remove what a deeper one installed.
    List<LockedPackage> mine = base.installed().stream()
        .filter(p -> p.platforms().contains(platform) && !gone.contains(p.name() + " " + p.version())).toList();
    if (mine.isEmpty() && gone.isEmpty()) {
      return installed;
    }
    List<ApkPackage> packages = new ArrayList<>();
    Set<String> goneNames = new HashSet<>();
    for (ApkPackage p : installed.packages()) {
      if (gone.contains(p.name() + " " + p.version())) {
        goneNames.add(p.name());
      } else {
        packages.add(p);
      }
    }
    List<dev.sealbuild.prep.alpine.ApkDependency> world = new ArrayList<>(installed.world().stream()
        .filter(d -> d.conflict() || !goneNames.contains(d.name())).toList());
    for (LockedPackage locked : mine) {
      ApkPackage found = available.stream()
          .filter(p -> p.name().equals(locked.name()) && p.version().equals(locked.version())
              && (locked.checksum() == null || locked.checksum().equals(p.checksum())))
          .findFirst()
          .orElseThrow(() -> new PackageException(platform + ": " + locked.name() + " " + locked.version()
              + ", which the base stage installs, is no longer in the repositories' indexes; lock the base stage again"));
      packages.add(found);
      world.add(dev.sealbuild.prep.alpine.ApkDependency.on(found.name()));
    }
    return new ApkInstalledDb(packages, world);
  }

  /** Stands in for a digest not known yet (dry run); never written to a lock. */
  private static final Sha256 UNKNOWN = Sha256.ofHex("0".repeat(64));

  /** The package as downloaded must be the one the signed index describes. */
  private void verify(ApkPackage p, Transport.Pinned pinned, ApkKeyring keyring) throws IOException {
    try (InputStream in = transport.openCached(pinned.sha256())) {
      new ApkPackageVerifier(keyring, ApkLimits.defaults()).verify(in, ApkPackageVerifier.Expected.of(p));
    } catch (ApkException e) {
      transport.discard(pinned.sha256());
      throw new PackageException(p.nameVersion() + ": " + e.getMessage() + "; it does not match the signed index");
    }
  }

  private Map<String, String> readKeys(RepositorySpec repo) throws IOException {
    Map<String, String> keys = new TreeMap<>();
    for (String key : repo.keys()) {
      if (key.startsWith("https://") || key.startsWith("http://")) {
        URI url = URI.create(key);
        String name = url.getPath().substring(url.getPath().lastIndexOf('/') + 1);
        String pem = new String(transport.fetchIndex(url, repo.name() + " key " + name), StandardCharsets.US_ASCII);
        try {
          ApkKeyring.parsePem(pem, name);
        } catch (ApkException e) {
          throw new PackageException("repository " + repo.name() + ": " + key + ": " + e.getMessage());
        }
        keys.put(name, pem);
        continue;
      }
      Path file = specDir.resolve(key).normalize();
      try {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        ApkKeyring.parsePem(pem, file.getFileName().toString());
        keys.put(file.getFileName().toString(), pem);
      } catch (NoSuchFileException e) {
        throw new PackageException("repository " + repo.name() + ": key " + key + " not found (relative to " + specDir + ")");
      } catch (ApkException e) {
        throw new PackageException("repository " + repo.name() + ": " + e.getMessage());
      }
    }
    return keys;
  }
}

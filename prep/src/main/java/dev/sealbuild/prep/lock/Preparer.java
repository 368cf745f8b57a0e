package dev.sealbuild.prep.lock;

import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.lockfiles.lock.LockException;
import dev.sealbuild.lockfiles.lock.LockStatus;
import dev.sealbuild.lockfiles.lock.LockedBaseImage;
import dev.sealbuild.lockfiles.lock.LockedFile;
import dev.sealbuild.lockfiles.lock.LockedPackage;
import dev.sealbuild.lockfiles.lock.LockedRepository;
import dev.sealbuild.lockfiles.lock.LockedRootfs;
import dev.sealbuild.lockfiles.lock.Lockfile;
import dev.sealbuild.lockfiles.spec.BuildSpec;
import dev.sealbuild.lockfiles.spec.RepositorySpec;
import dev.sealbuild.prep.alpine.ApkException;
import dev.sealbuild.prep.alpine.ApkKeyring;
import dev.sealbuild.prep.alpine.ApkLimits;
import dev.sealbuild.prep.alpine.ApkPackageVerifier;
import dev.sealbuild.prep.baseimage.BaseImageFetcher;
import dev.sealbuild.prep.cache.CacheException;
import dev.sealbuild.prep.fetch.DownloadResult;
import dev.sealbuild.prep.fetch.FetchJob;
import dev.sealbuild.prep.packages.Mirrors;
import dev.sealbuild.prep.packages.PackageException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code build prep}: fetches every input a current lock pins into the vendor cache, in named steps: check the lock
 * is current, clean stale temporaries, import a local rootfs, fetch the base image, download the pinned files,
 * rootfs and packages (verifying size and sha256), then verify Alpine packages against their signed index. Every
 * build stage's inputs are fetched the same way as the image's (a blob two of them share, once).
 */
public final class Preparer {
  /** How much is ready, and how much of it came over the network this time. */
  public record Result(long entries, long fetched, Path cache) {
    public long alreadyCached() {
      return entries - fetched;
    }
  }

  private final PrepServices services;
  private final Mirrors mirrors;
  private final int jobs;
  private final SnapshotArchives snapshots;

  public Preparer(PrepServices services, Mirrors mirrors, int jobs) {
    this(services, mirrors, jobs, SnapshotArchives.none());
  }

  /** As above; a Debian package the mirror answers 404 for is then looked for in {@code snapshots}. */
  public Preparer(PrepServices services, Mirrors mirrors, int jobs, SnapshotArchives snapshots) {
    this.services = services;
    this.mirrors = mirrors;
    this.jobs = jobs;
    this.snapshots = snapshots;
  }

  /** The spec one lock part pins: the image's, or a stage's view; {@code where} prefixes its labels. */
  private record Part(String where, BuildSpec spec, Lockfile lock) {}

  public Result prepare(BuildSpec spec, Path specDir, Lockfile lock) throws IOException {
    checkCurrent(spec, lock);
    services.cache().deleteStaleTemp();
    List<Part> parts = new ArrayList<>();
    parts.add(new Part("", spec, lock));
    for (String stage : spec.stageOrder()) {
      parts.add(new Part("stage '" + stage + "' ", spec.stage(stage), lock.stage(stage)));
    }
    if (parts.stream().anyMatch(p -> !p.lock().packageList().isEmpty())) {
      mirrors.checkOverridesName(spec.everyRepository());
    }
    List<FetchJob> fetches = new ArrayList<>();
    Set<LockedBaseImage> images = new LinkedHashSet<>();
    for (Part part : parts) {
      LockedRootfs rootfs = part.lock().rootfs();
      if (rootfs != null) {
        if (part.spec().base().rootfs().url() != null) {
          fetches.add(new FetchJob(part.where() + "base rootfs", URI.create(rootfs.source()), rootfs.sha256(), rootfs.size()));
        } else {
          importLocal(part.where(), specDir.resolve(rootfs.source()).normalize(), rootfs.sha256(), rootfs.size());
        }
      }
      fetches.addAll(fileJobs(part));
      fetches.addAll(packageJobs(part));
      if (part.lock().baseImage() != null) {
        images.add(part.lock().baseImage());
      }
    }
    long imageFetched = 0;
    long imageCached = 0;
    for (LockedBaseImage base : images) {
      BaseImageFetcher.Result image = services.baseImageFetcher(jobs).fetch(base);
      imageFetched += image.fetched();
      imageCached += image.cached();
    }
    List<DownloadResult> results = services.prepDownloader().downloadAll(fetches);
    for (Part part : parts) {
      verifyApkPackages(part.lock());
    }
    long fetched = results.stream().filter(r -> r.outcome() == DownloadResult.Outcome.FETCHED).count() + imageFetched;
    long total = results.size() + imageFetched + imageCached;
    return new Result(total, fetched, services.cache().layout().root());
  }

  private static void checkCurrent(BuildSpec spec, Lockfile lock) {
    LockStatus status = LockStatus.check(spec, lock);
    if (!status.upToDate()) {
      throw new LockException("build.lock.json is stale: " + status.problems().get(0) + "; run build lock");
    }
  }

  private static List<FetchJob> fileJobs(Part part) {
    List<FetchJob> jobs = new ArrayList<>();
    for (int i = 0; i < part.spec().files().size(); i++) {
      String url = part.spec().files().get(i).url().toString();
      LockedFile f = part.lock().file(url).orElseThrow();
      jobs.add(new FetchJob(part.where() + "files[" + i + "]", URI.create(url), f.sha256(), f.size(),
          part.spec().files().get(i).mirrors()));
    }
    return jobs;
  }

  private List<FetchJob> packageJobs(Part part) {
    List<FetchJob> jobs = new ArrayList<>();
    BuildSpec spec = part.spec();
    Lockfile lock = part.lock();
    if (lock.packageList().isEmpty()) {
      return jobs;
    }
    Map<String, RepositorySpec> repos = new HashMap<>();
    spec.repositories().forEach(r -> repos.put(r.name(), r));
    Map<String, LockedRepository> locked = new HashMap<>();
    lock.repositoryList().forEach(r -> locked.put(r.name(), r));
    Map<String, LockedRepository> fromBase = new HashMap<>();
    lock.repositoryList().stream().filter(r -> r.isFromBase() && r.url() != null).forEach(r -> fromBase.put(r.name(), r));
    for (LockedPackage p : lock.packageList()) {
      RepositorySpec repo = repos.get(p.repository());
      LockedRepository found = fromBase.get(p.repository());
      if (found != null && (repo == null || repo.isFromBase())) {
        // a repository a from: base entry found in the (pinned) base: the lock says where
        jobs.add(new FetchJob(p.name() + " " + p.version() + " " + p.architecture(),
            URI.create(mirrors.baseUrl(found.name(), URI.create(found.url())) + "/" + p.path()), p.sha256(), p.size(),
            snapshots.url(found, p.path()).map(List::of).orElse(List.of())));
        continue;
      }
      if (repo == null || repo.isFromBase()) {
        throw new LockException(part.where() + "lock pins " + p.label() + " from repository " + p.repository()
            + " which the spec does not declare; run build lock");
      }
      List<URI> fallbacks = locked.containsKey(p.repository())
          ? snapshots.url(locked.get(p.repository()), p.path()).map(List::of).orElse(List.of()) : List.of();
      jobs.add(new FetchJob(p.name() + " " + p.version() + " " + p.architecture(),
          URI.create(mirrors.baseUrl(repo) + "/" + p.path()), p.sha256(), p.size(), fallbacks));
    }
    return jobs;
  }

  /**
   * Alpine packages are checked beyond their sha256 against what the signed index said (Q1 control
   * checksum, signature when present, datahash); a package that fails is removed from the cache.
   */
  private void verifyApkPackages(Lockfile lock) throws IOException {
    for (LockedPackage p : lock.packageList()) {
      if (!"apk".equals(p.type())) {
        continue;
      }
      LockedRepository repo = lock.repositoryList().stream().filter(r -> r.name().equals(p.repository())).findFirst()
          .orElseThrow(() -> new LockException("lock pins " + p.label() + " from unknown repository " + p.repository() + "; run build lock"));
      Map<String, String> keys = new HashMap<>();
      if (repo.keys() != null) {
        repo.keys().forEach(k -> keys.put(k.name(), k.pem()));
      }
      Path blob = services.cache().layout().blob(p.sha256());
      try (var in = Files.newInputStream(blob)) {
        new ApkPackageVerifier(ApkKeyring.fromPem(keys), ApkLimits.defaults())
            .verify(in, new ApkPackageVerifier.Expected(p.name(), p.version(), p.checksum(), p.size()));
      } catch (ApkException e) {
        Files.deleteIfExists(blob);
        throw new PackageException(p.label() + ": " + e.getMessage() + " (removed from the cache)");
      }
    }
  }

  private void importLocal(String where, Path file, Sha256 expected, Long size) {
    if (services.cache().contains(expected)) {
      return;
    }
    if (!Files.isRegularFile(file)
        && services.cacheSources().fetchInto(services.cache(), expected, size, where + "base rootfs " + file, total -> {}, new ArrayList<>())) {
      return;
    }
    if (!Files.isRegularFile(file)) {
      throw new CacheException(where + "base rootfs " + file + " does not exist; restore it or run build lock");
    }
    Sha256 actual = services.cache().importFile(file);
    if (!actual.equals(expected)) {
      throw new CacheException(where + "base rootfs " + file + " changed since it was locked (expected " + expected + ", got " + actual + "); run build lock");
    }
  }
}

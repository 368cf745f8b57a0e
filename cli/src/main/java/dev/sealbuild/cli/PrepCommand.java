package dev.sealbuild.cli;

import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.lockfiles.lock.LockException;
import dev.sealbuild.lockfiles.lock.LockStatus;
import dev.sealbuild.lockfiles.lock.LockedFile;
import dev.sealbuild.lockfiles.lock.LockedPackage;
import dev.sealbuild.lockfiles.lock.LockedRepository;
import dev.sealbuild.prep.alpine.ApkException;
import dev.sealbuild.prep.alpine.ApkKeyring;
import dev.sealbuild.prep.alpine.ApkLimits;
import dev.sealbuild.prep.alpine.ApkPackageVerifier;
import dev.sealbuild.lockfiles.spec.RepositorySpec;
import dev.sealbuild.prep.packages.Mirrors;
import java.util.HashMap;
import java.util.Map;
import dev.sealbuild.lockfiles.lock.LockedRootfs;
import dev.sealbuild.lockfiles.lock.Lockfile;
import dev.sealbuild.lockfiles.lock.LockfileIO;
import dev.sealbuild.prep.fetch.DownloadResult;
import dev.sealbuild.prep.fetch.FetchJob;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import dev.sealbuild.prep.baseimage.BaseImageFetcher;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "prep", mixinStandardHelpOptions = true,
    description = {"Fetch every input the lock pins into the vendor options.cache(), verifying size and sha256.",
        "Entries already cached cost no network. Honours HTTP(S)_PROXY and NO_PROXY."})
final class PrepCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin
  ProjectOptions options = new ProjectOptions();

  @Option(names = {"-j", "--jobs"}, paramLabel = "N", defaultValue = "4", description = "downloads at once (default: ${DEFAULT-VALUE})")
  int jobs;

  @picocli.CommandLine.Mixin
  MirrorOptions mirrorOptions = new MirrorOptions();

  @picocli.CommandLine.Mixin
  RegistryOptions registryOptions = new RegistryOptions();

  private final Environment env;

  PrepCommand(Environment env) {
    this.env = env;
  }

  @Override
  public Integer call() throws Exception {
    if (jobs < 1 || jobs > 64) {
      throw new CliException("--jobs must be between 1 and 64");
    }
    Project project = Project.load(env, options.path);
    Lockfile lock = new LockfileIO().read(project.lockFile());
    LockStatus status = LockStatus.check(project.spec(), lock);
    if (!status.upToDate()) {
      throw new LockException("build.lock.json is stale: " + status.problems().get(0) + "; run build lock");
    }
    try (PrepServices services = PrepServices.create(env, options.cache(), System.err, jobs, registryOptions.settings(env))) {
      services.cache().deleteStaleTemp(java.time.Duration.ofDays(1));
      List<FetchJob> fetches = new ArrayList<>();
      LockedRootfs rootfs = lock.rootfs();
      if (rootfs != null) {
        if (project.spec().base().rootfs().url() != null) {
          fetches.add(new FetchJob("base rootfs", URI.create(rootfs.source()), rootfs.sha256(), rootfs.size()));
        } else {
          importLocal(services, project.specDir().resolve(rootfs.source()).normalize(), rootfs.sha256());
        }
      }
      for (int i = 0; i < project.spec().files().size(); i++) {
        String url = project.spec().files().get(i).url().toString();
        LockedFile f = lock.file(url).orElseThrow();
        fetches.add(new FetchJob("files[" + i + "]", URI.create(url), f.sha256(), f.size()));
      }
      if (!lock.packageList().isEmpty()) {
        Mirrors mirrors = mirrorOptions.mirrors();
        mirrors.checkOverridesName(project.spec().repositories());
        Map<String, RepositorySpec> repos = new HashMap<>();
        project.spec().repositories().forEach(r -> repos.put(r.name(), r));
        for (LockedPackage p : lock.packageList()) {
          RepositorySpec repo = repos.get(p.repository());
          if (repo == null) {
            throw new LockException("lock pins " + p.label() + " from repository " + p.repository() + " which the spec does not declare; run build lock");
          }
          fetches.add(new FetchJob(p.name() + " " + p.version() + " " + p.architecture(),
              URI.create(mirrors.baseUrl(repo) + "/" + p.path()), p.sha256(), p.size()));
        }
      }
      BaseImageFetcher.Result image = lock.baseImage() == null ? new BaseImageFetcher.Result(0, 0)
          : services.baseImageFetcher(jobs).fetch(lock.baseImage());
      List<DownloadResult> results = services.prepDownloader().downloadAll(fetches);
      verifyApkPackages(lock, services);
      long fetched = results.stream().filter(r -> r.outcome() == DownloadResult.Outcome.FETCHED).count() + image.fetched();
      long total = results.size() + image.fetched() + image.cached();
      System.err.println("prep: " + total + " entries ready in " + services.cache().layout().root()
          + " (" + fetched + " fetched, " + (total - fetched) + " already cached)");
    }
    return 0;
  }

  /**
   * Alpine packages are checked beyond their sha256 against what the signed index said (Q1 control
   * checksum, signature when present, datahash); a package that fails is removed from the cache.
   */
  private static void verifyApkPackages(Lockfile lock, PrepServices services) throws Exception {
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
        throw new CliException(p.label() + ": " + e.getMessage() + " (removed from the cache)");
      }
    }
  }

  private static void importLocal(PrepServices services, Path file, Sha256 expected) throws Exception {
    if (services.cache().contains(expected)) {
      return;
    }
    if (!Files.isRegularFile(file)) {
      throw new CliException("base rootfs " + file + " does not exist; restore it or run build lock");
    }
    Sha256 actual = services.cache().importFile(file);
    if (!actual.equals(expected)) {
      throw new CliException("base rootfs " + file + " changed since it was locked (expected " + expected + ", got " + actual + "); run build lock");
    }
  }
}

package dev.sealbuild.cli;

import dev.sealbuild.lockfiles.lock.Lockfile;
import dev.sealbuild.lockfiles.lock.LockfileIO;
import dev.sealbuild.prep.cacheregistry.CacheFrom;
import dev.sealbuild.prep.cacheregistry.CacheRepository;
import dev.sealbuild.prep.fetch.DownloadLimit;
import dev.sealbuild.prep.registry.ImageReference;
import java.util.ArrayList;
import java.util.List;
import dev.sealbuild.prep.lock.PrepServices;
import dev.sealbuild.prep.lock.Preparer;
import dev.sealbuild.prep.lock.SnapshotArchives;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "prep", mixinStandardHelpOptions = true,
    description = {"Fetch every input the lock pins into the vendor cache, verifying size and sha256.",
        "Entries already cached cost no network. Honours HTTP(S)_PROXY and NO_PROXY."})
final class PrepCommand implements Callable<Integer> {
  @Spec CommandSpec commandSpec;

  @Mixin
  ProjectOptions options = new ProjectOptions();

  @Option(names = {"-j", "--jobs"}, paramLabel = "N", defaultValue = "4", description = "downloads at once (default: ${DEFAULT-VALUE})")
  int jobs;

  @Option(names = "--max-download", paramLabel = "SIZE", description = {
      "most bytes one download may bring while its size is not recorded in the lock, e.g. 512M or 2G",
      "(default: $SEALBUILD_MAX_DOWNLOAD, else 4G); recorded sizes bound the other downloads"})
  String maxDownload;

  @Mixin
  MirrorOptions mirrorOptions = new MirrorOptions();

  @Mixin
  RegistryOptions registryOptions = new RegistryOptions();

  @Option(names = "--from", paramLabel = "docker://REGISTRY/REPOSITORY", description = {
      "look for pinned blobs in this registry repository (filled by build cache push) before the upstream",
      "sources (repeatable, tried in order; default: $SEALBUILD_CACHE_FROM, space-separated); every blob is",
      "checked against the lock, a wrong one refused and the next source tried"})
  List<String> from = new ArrayList<>();

  @Option(names = "--snapshot", paramLabel = "[REPOSITORY=]URL", description = {
      "where a Debian package the mirror answers 404 for is looked for next: a snapshot archive URL with {timestamp},",
      "filled with the date of the InRelease the lock pins, e.g. https://snapshot.debian.org/archive/debian/{timestamp}",
      "(repeatable: REPOSITORY= for one repository; default: $SEALBUILD_DEBIAN_SNAPSHOT)"})
  List<String> snapshots = new ArrayList<>();

  @Option(names = "--offline-upstream", description = "never contact an upstream mirror or base image registry: only --from")
  boolean offlineUpstream;

  private final Environment env;

  PrepCommand(Environment env) {
    this.env = env;
  }

  @Override
  public Integer call() throws IOException {
    if (jobs < 1 || jobs > 64) {
      throw new CliException("--jobs must be between 1 and 64");
    }
    DownloadLimit limit = DownloadLimit.choose(maxDownload, env.variables());
    PrintWriter err = commandSpec.commandLine().getErr();
    try (PrepServices services = PrepServices.create(env.cache(options.cache()), env.variables(), err, env.terminal(), jobs,
        registryOptions.settings(env), limit, cacheFrom())) {
      services.transport().prepareInBackground();
      Project project = Project.load(env, options.path, options.dockerfile);
      Lockfile lock = new LockfileIO().read(project.lockFile());
      Preparer.Result result = new Preparer(services, mirrorOptions.mirrors(), jobs, snapshotArchives()).prepare(project.spec(), project.specDir(), lock);
      err.println("prep: " + result.entries() + " entries ready in " + result.cache()
          + " (" + result.fetched() + " fetched, " + result.alreadyCached() + " already cached)");
    }
    return 0;
  }

  private SnapshotArchives snapshotArchives() {
    List<String> given = snapshots;
    String fromEnv = env.get(SnapshotArchives.ENV_VAR);
    if (given.isEmpty() && fromEnv != null && !fromEnv.isBlank()) {
      given = List.of(fromEnv.strip().split("\\s+"));
    }
    return SnapshotArchives.parse(given);
  }

  private CacheFrom cacheFrom() {
    List<String> given = from;
    String option = "--from";
    if (given.isEmpty() && env.get(CacheFrom.ENV_VAR) != null && !env.get(CacheFrom.ENV_VAR).isBlank()) {
      given = List.of(env.get(CacheFrom.ENV_VAR).strip().split("[\\s,]+"));
      option = CacheFrom.ENV_VAR;
    }
    List<ImageReference> repositories = new ArrayList<>();
    for (String text : given) {
      repositories.add(CacheRepository.parse(text, option));
    }
    return new CacheFrom(repositories, offlineUpstream);
  }
}

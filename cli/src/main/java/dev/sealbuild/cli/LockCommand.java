package dev.sealbuild.cli;

import dev.sealbuild.lockfiles.diff.LockDiffText;
import dev.sealbuild.formats.json.CanonicalJson;
import dev.sealbuild.lockfiles.lock.LockStatus;
import dev.sealbuild.lockfiles.lock.Lockfile;
import dev.sealbuild.lockfiles.lock.LockfileIO;
import dev.sealbuild.prep.lock.ProjectLocker;
import dev.sealbuild.prep.lock.Locker;
import dev.sealbuild.prep.lock.PrepServices;
import dev.sealbuild.prep.fetch.DownloadLimit;
import dev.sealbuild.prep.fetch.PrepDownloader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import dev.sealbuild.prep.packages.AlpineLocker;
import dev.sealbuild.prep.packages.DebianLocker;
import dev.sealbuild.prep.debian.VendorIndexCache;
import dev.sealbuild.prep.packages.PackageLocker;
import dev.sealbuild.prep.packages.PackageLockers;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "lock", mixinStandardHelpOptions = true,
    description = {"Pin every input of the spec by content and write build.lock.json beside it.",
        "Inputs the lock already pins are kept; unpinned files are downloaded once (into the cache) to hash them."})
final class LockCommand implements Callable<Integer> {
  @Spec CommandSpec commandSpec;

  @picocli.CommandLine.Mixin
  ProjectOptions options = new ProjectOptions();

  @Option(names = "--check", description = "write nothing; exit 1 with a summary when the lock is missing or stale (a CI gate)")
  boolean check;

  @Option(names = "--dry-run", description = "resolve without downloading inputs or writing the lock (verified repository indexes are still kept in the cache); print the entries as JSON on stdout")
  boolean dryRun;

  @Option(names = "--update", arity = "0..*", paramLabel = "PACKAGE", description = {
      "without names: resolve everything again, keeping only what the spec pins by sha256 or digest (packages,",
      "files and the rootfs without a sha256, a base image by tag); with names: resolve packages again and refuse",
      "if any package other than those (or a new dependency) would move. Prints what changed. Put PATH first."})
  List<String> updateNames;

  @Option(names = "--allow-expired-metadata", description = "accept repository metadata past its Valid-Until date")
  boolean allowExpiredMetadata;

  @Option(names = "--max-download", paramLabel = "SIZE", description = {
      "most bytes one download may bring while its size is not recorded in the lock, e.g. 512M or 2G",
      "(default: $SEALBUILD_MAX_DOWNLOAD, else 4G); recorded sizes bound the other downloads"})
  String maxDownload;

  @picocli.CommandLine.Mixin
  MirrorOptions mirrorOptions = new MirrorOptions();

  @picocli.CommandLine.Mixin
  RegistryOptions registryOptions = new RegistryOptions();

  private final Environment env;

  LockCommand(Environment env) {
    this.env = env;
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter err = commandSpec.commandLine().getErr();
    List<String> names = updateNames == null ? List.of() : updateNames;
    for (String name : names) {
      if (name.contains("/") || name.endsWith(".yaml")) {
        throw new CliException("--update takes package names, but '" + name + "' looks like a path: put PATH before --update");
      }
    }
    Project project = Project.load(env, options.path, options.dockerfile);
    if (project.dockerfile() != null && !check) {
      ImportCommand.warnings(project, commandSpec.commandLine().getErr());
    }
    if (check) {
      if (updateNames != null) {
        throw new CliException("--check and --update do not go together: --check writes nothing");
      }
      return check(project);
    }
    try (PrepServices services = services()) {
      if (dryRun) {
        Locker planner = new Locker((url, label) -> {
          throw new IllegalStateException("dry run downloads nothing");
        }, (file, label) -> {
          throw new IllegalStateException("dry run imports nothing");
        }, packageLocker(project, services), services.baseImages());
        PrintWriter out = commandSpec.commandLine().getOut();
        out.print(new String(CanonicalJson.pretty(new ProjectLocker(planner).plan(project.spec(), project.lockFile(), updateNames)),
            StandardCharsets.UTF_8));
        out.flush();
        return 0;
      }
      Locker locker = new Locker(services.downloader(), services.importer(), packageLocker(project, services), services.baseImages());
      ProjectLocker.Outcome outcome = new ProjectLocker(locker)
          .lock(project.spec(), project.specDir(), project.lockFile(), updateNames, env.sourceDateEpoch());
      err.println((outcome.unchanged() ? "up to date: " : "wrote ") + env.workingDir().relativize(project.lockFile()));
      outcome.lock().excludedList().forEach(e -> err.println("excluded: " + e.describe()));
      outcome.lock().stageMap().forEach((name, stage) ->
          stage.excludedList().forEach(e -> err.println("excluded (stage '" + name + "'): " + e.describe())));
      outcome.lock().removedList().forEach(r -> err.println("removes from base: " + r.describe()));
      outcome.lock().stageMap().forEach((name, stage) ->
          stage.removedList().forEach(r -> err.println("removes from base (stage '" + name + "'): " + r.describe())));
      printBuildOnly(err, "", outcome.lock());
      outcome.lock().stageMap().forEach((name, stage) -> printBuildOnly(err, " (stage '" + name + "')", stage));
      outcome.changes().ifPresent(diff -> LockDiffText.lines(diff).forEach(err::println));
    }
    return 0;
  }

  /** Debian or Alpine for the image and for each stage, by the repositories each of them uses. */
  private PackageLocker packageLocker(Project project, PrepServices services) {
    return new PackageLockers(mirrorOptions.mirrors(), project.spec().everyRepository(),
        mirrors -> new DebianLocker(mirrors, services.transport(), project.specDir(), java.time.Clock.systemUTC(), allowExpiredMetadata,
            commandSpec.commandLine().getErr()::println, new VendorIndexCache(services.cache()), services.baseReader()),
        mirrors -> new AlpineLocker(mirrors, project.specDir(), services.alpineTransport(), commandSpec.commandLine().getErr()::println));
  }

  private PrepServices services() {
    return PrepServices.create(env.cache(options.cache()), env.variables(), commandSpec.commandLine().getErr(), env.terminal(),
        PrepDownloader.DEFAULT_PARALLELISM, registryOptions.settings(env), DownloadLimit.choose(maxDownload, env.variables()));
  }

  private Integer check(Project project) {
    PrintWriter err = commandSpec.commandLine().getErr();
    Optional<Lockfile> previous = Files.exists(project.lockFile()) ? Optional.of(new LockfileIO().read(project.lockFile()))
        : Optional.empty();
    String shown = env.workingDir().relativize(project.lockFile()).toString();
    if (previous.isEmpty()) {
      err.println(shown + ": missing; run build lock " + env.workingDir().relativize(project.specFile()));
      return 1;
    }
    LockStatus status = LockStatus.check(project.spec(), previous.get());
    if (status.upToDate()) {
      err.println(shown + ": up to date");
      return 0;
    }
    err.println(shown + ": stale; run build lock " + env.workingDir().relativize(project.specFile()));
    status.problems().forEach(p -> err.println("  - " + p));
    return 1;
  }

  private static void printBuildOnly(PrintWriter err, String where, Lockfile lock) {
    List<String> names = lock.buildOnlyPackages().stream().map(p -> p.name()).distinct().sorted().toList();
    if (!names.isEmpty()) {
      err.println("build only" + where + ": " + String.join(", ", names) + " (there while the run steps run, in no layer)");
    }
  }
}

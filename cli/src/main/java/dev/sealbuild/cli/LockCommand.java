package dev.sealbuild.cli;

import dev.sealbuild.lockfiles.diff.LockDiff;
import dev.sealbuild.lockfiles.diff.LockDiffText;
import dev.sealbuild.lockfiles.json.CanonicalJson;
import dev.sealbuild.lockfiles.lock.LockStatus;
import dev.sealbuild.lockfiles.lock.Lockfile;
import dev.sealbuild.lockfiles.lock.LockfileIO;
import dev.sealbuild.prep.lock.LockUpdate;
import dev.sealbuild.prep.lock.Locker;
import dev.sealbuild.prep.lock.PrepServices;
import dev.sealbuild.prep.fetch.PrepDownloader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import dev.sealbuild.lockfiles.spec.RepositorySpec;
import dev.sealbuild.prep.packages.AlpineLocker;
import dev.sealbuild.prep.packages.DebianLocker;
import dev.sealbuild.prep.packages.PackageLocker;
import java.time.Clock;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import dev.sealbuild.lockfiles.diff.PackageChange;
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

  @Option(names = "--dry-run", description = "resolve without downloading or writing; print the entries as JSON on stdout")
  boolean dryRun;

  @Option(names = "--update", arity = "0..*", paramLabel = "PACKAGE", description = {
      "without names: resolve everything again, keeping only what the spec pins by sha256 or digest (packages,",
      "files and the rootfs without a sha256, a base image by tag); with names: resolve packages again and refuse",
      "if any package other than those (or a new dependency) would move. Prints what changed. Put PATH first."})
  List<String> updateNames;

  @Option(names = "--allow-expired-metadata", description = "accept repository metadata past its Valid-Until date")
  boolean allowExpiredMetadata;

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
    Project project = Project.load(env, options.path);
    LockfileIO io = new LockfileIO();
    Optional<Lockfile> previous = Files.exists(project.lockFile()) ? Optional.of(io.read(project.lockFile())) : Optional.empty();
    boolean update = updateNames != null;
    List<String> names = update ? updateNames : List.of();
    if (update && !names.isEmpty()) {
      for (String name : names) {
        if (name.contains("/") || name.endsWith(".yaml")) {
          throw new CliException("--update takes package names, but '" + name + "' looks like a path: put PATH before --update");
        }
      }
      if (previous.isEmpty()) {
        throw new CliException("--update " + String.join(" ", names) + ": there is no lock yet; run build lock first");
      }
      List<String> unknown = LockUpdate.unknown(names, project.spec(), previous.get());
      if (!unknown.isEmpty()) {
        throw new CliException("--update: " + String.join(", ", unknown) + " is neither locked nor in the spec's packages");
      }
    }
    if (check) {
      if (update) {
        throw new CliException("--check and --update do not go together: --check writes nothing");
      }
      return check(project, previous);
    }
    // What the locker may keep: everything the previous lock pins, or with --update only what the spec pins.
    Optional<Lockfile> basis = !update ? previous
        : names.isEmpty() ? previous.map(p -> LockUpdate.basis(project.spec(), p)) : previous.map(LockUpdate::packagesOnly);
    if (dryRun) {
      return dryRun(project, basis);
    }
    Long sde = env.sourceDateEpoch();
    long epoch = sde != null ? sde : previous.map(Lockfile::sourceDateEpoch).orElse(0L);
    PrintWriter err = commandSpec.commandLine().getErr();
    try (PrepServices services = services()) {
      Lockfile lock = new Locker(services.downloader(), services.importer(), packageLocker(project, services), services.baseImages())
          .lock(project.spec(), project.specDir(), basis, epoch);
      if (!names.isEmpty()) {
        List<PackageChange> unasked = LockUpdate.unasked(names, previous.get(), lock);
        if (!unasked.isEmpty()) {
          throw new CliException("updating " + String.join(", ", names) + " would also move " + unasked.stream()
              .map(p -> p.name() + " " + p.fromVersion() + (p.toVersion() == null ? " (removed)" : " -> " + p.toVersion()))
              .collect(java.util.stream.Collectors.joining(", "))
              + " (the repositories no longer offer what is pinned); name them too, or run build lock --update without names");
        }
      }
      byte[] bytes = io.toBytes(lock);
      boolean unchanged = Files.exists(project.lockFile()) && Arrays.equals(bytes, Files.readAllBytes(project.lockFile()));
      if (!unchanged) {
        io.write(lock, project.lockFile());
      }
      err.println((unchanged ? "up to date: " : "wrote ") + env.workingDir().relativize(project.lockFile()));
      lock.excludedList().forEach(e -> err.println("excluded: " + e.describe()));
      if (update && previous.isPresent()) {
        LockDiffText.lines(LockDiff.between(previous.get(), lock)).forEach(err::println);
      }
    }
    return 0;
  }

  private int dryRun(Project project, Optional<Lockfile> previous) throws Exception {
    try (PrepServices services = services()) {
      Locker planner = new Locker((url, label) -> {
        throw new IllegalStateException("dry run downloads nothing");
      }, (file, label) -> {
        throw new IllegalStateException("dry run imports nothing");
      }, packageLocker(project, services), services.baseImages());
      PrintWriter out = commandSpec.commandLine().getOut();
      out.print(new String(CanonicalJson.pretty(planner.plan(project.spec(), previous)), StandardCharsets.UTF_8));
      out.flush();
      return 0;
    }
  }

  private PackageLocker packageLocker(Project project, PrepServices services) {
    if (RepositorySpec.ALPINE.equals(project.spec().packageType())) {
      return new AlpineLocker(mirrorOptions.mirrors(), project.specDir(), services.alpineTransport(),
          commandSpec.commandLine().getErr()::println);
    }
    return new DebianLocker(mirrorOptions.mirrors(), project.specDir(), Clock.systemUTC(), allowExpiredMetadata,
        commandSpec.commandLine().getErr()::println);
  }

  private PrepServices services() {
    return PrepServices.create(env.cache(options.cache()), env.variables(), commandSpec.commandLine().getErr(), env.terminal(),
        PrepDownloader.DEFAULT_PARALLELISM, registryOptions.settings(env));
  }

  private Integer check(Project project, Optional<Lockfile> previous) {
    PrintWriter err = commandSpec.commandLine().getErr();
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
}

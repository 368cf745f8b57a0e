package dev.sealbuild.cli;

import dev.sealbuild.lockfiles.diff.LockDiff;
import dev.sealbuild.lockfiles.diff.LockDiffText;
import dev.sealbuild.lockfiles.lock.LockException;
import dev.sealbuild.lockfiles.lock.Lockfile;
import dev.sealbuild.lockfiles.lock.LockfileIO;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "diff", mixinStandardHelpOptions = true,
    description = {"Show what differs between two locks: packages, remote files, the base rootfs or image,",
        "repository indexes and keys, the spec digest and the epoch.",
        "OLD and NEW are lock files or directories holding build.lock.json.",
        "Exit status as diff(1): 0 no differences, 1 differences, 2 trouble (a lock missing or unreadable)."})
final class DiffCommand implements Callable<Integer> {
  static final int SAME = 0;
  static final int DIFFERENT = 1;
  static final int TROUBLE = 2;

  @Spec CommandSpec commandSpec;

  @Parameters(index = "0", paramLabel = "OLD", description = "the lock before: a build.lock.json or its directory")
  Path old;

  @Parameters(index = "1", paramLabel = "NEW", description = "the lock after: a build.lock.json or its directory")
  Path now;

  @Option(names = "--json", description = "print the differences as JSON (full digests) instead of text")
  boolean json;

  private final Environment env;

  DiffCommand(Environment env) {
    this.env = env;
  }

  @Override
  public Integer call() {
    PrintWriter out = commandSpec.commandLine().getOut();
    PrintWriter err = commandSpec.commandLine().getErr();
    LockDiff diff;
    try {
      diff = LockDiff.between(read(old), read(now));
    } catch (LockException e) {
      err.println("error: " + e.getMessage());
      err.flush();
      return TROUBLE;
    }
    if (json) {
      out.print(new String(diff.toJson(), StandardCharsets.UTF_8));
    } else {
      LockDiffText.lines(diff).forEach(out::println);
    }
    out.flush();
    return diff.isEmpty() ? SAME : DIFFERENT;
  }

  private Lockfile read(Path given) {
    Path path = env.workingDir().resolve(given);
    return new LockfileIO().read(Files.isDirectory(path) ? path.resolve(Lockfile.FILE_NAME) : path);
  }
}

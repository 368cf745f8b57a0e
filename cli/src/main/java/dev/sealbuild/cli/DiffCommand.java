package dev.sealbuild.cli;

import dev.sealbuild.formats.UserError;
import dev.sealbuild.lockfiles.diff.LockDiff;
import dev.sealbuild.lockfiles.diff.LockDiffText;
import dev.sealbuild.lockfiles.lock.LockException;
import dev.sealbuild.lockfiles.lock.Lockfile;
import dev.sealbuild.lockfiles.lock.LockfileIO;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.io.IOException;
import dev.sealbuild.formats.compress.DecompressionLimits;
import dev.sealbuild.builder.inspect.ImageDiff;
import dev.sealbuild.builder.inspect.ImageReader;
import dev.sealbuild.formats.json.CanonicalJson;
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
        "repository indexes and keys, the spec digest and the epoch; or between two images (oci:DIR[:TAG],",
        "oci-archive:FILE[:TAG], docker-archive:FILE): base digest, packages and files.",
        "OLD and NEW are lock files or directories holding build.lock.json, or two images.",
        "Exit status as diff(1): 0 no differences, 1 differences, 2 trouble (a lock missing or unreadable)."})
final class DiffCommand implements Callable<Integer> {
  static final int SAME = 0;
  static final int DIFFERENT = 1;
  static final int TROUBLE = 2;

  @Spec CommandSpec commandSpec;

  @Parameters(index = "0", paramLabel = "OLD", description = "the lock before (a build.lock.json or its directory), or an image")
  String old;

  @Parameters(index = "1", paramLabel = "NEW", description = "the lock after, or an image")
  String now;

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
    if (isImage(old) || isImage(now)) {
      return images(out, err);
    }
    LockDiff diff;
    try {
      diff = LockDiff.between(read(Path.of(old)), read(Path.of(now)));
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

  private static boolean isImage(String arg) {
    return arg.startsWith("oci:") || arg.startsWith("oci-archive:") || arg.startsWith("docker-archive:");
  }

  private int images(PrintWriter out, PrintWriter err) {
    if (!isImage(old) || !isImage(now)) {
      err.println("error: compare two locks or two images, not one of each (" + old + ", " + now + ")");
      err.flush();
      return TROUBLE;
    }
    Path work = null;
    try {
      work = Files.createTempDirectory("sealbuild-diff");
      ImageReader reader = new ImageReader(work);
      ImageDiff diff = ImageDiff.between(reader.read(old, env.workingDir()), reader.read(now, env.workingDir()), DecompressionLimits.DEFAULT);
      if (json) {
        out.print(new String(CanonicalJson.pretty(diff), StandardCharsets.UTF_8));
      } else {
        diff.lines().forEach(out::println);
      }
      out.flush();
      return diff.isEmpty() ? SAME : DIFFERENT;
    } catch (IOException | UserError e) {
      err.println("error: " + String.valueOf(e.getMessage()).replace('\n', ' '));
      err.flush();
      return TROUBLE;
    } finally {
      try {
        Trees.delete(work);
      } catch (IOException ignored) {
        // a temporary directory; the system cleans it eventually
      }
    }
  }

  private Lockfile read(Path given) {
    Path path = env.workingDir().resolve(given);
    return new LockfileIO().read(Files.isDirectory(path) ? path.resolve(Lockfile.FILE_NAME) : path);
  }
}

package dev.sealbuild.cli.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the real CLI jar as a user would, in its own process. */
final class Sealbuild {
  static final Path JAR = Path.of(System.getProperty("sealbuild.jar", "target/sealbuild.jar")).toAbsolutePath();
  static final Path ROOT = Path.of(System.getProperty("sealbuild.root", "..")).toAbsolutePath().normalize();

  record Result(int exit, String stdout, String stderr) {
    String lastLine() {
      String[] lines = stdout.strip().split("\n");
      return lines[lines.length - 1];
    }

    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
    }
  }

  private final Path workingDir;
  private final Map<String, String> env = new HashMap<>();
  private final List<String> jvmPrefix = new ArrayList<>();
  private final List<String> wrapper = new ArrayList<>();
  private String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

  Sealbuild(Path workingDir) {
    this.workingDir = workingDir;
  }

  Sealbuild env(String key, String value) {
    env.put(key, value);
    return this;
  }

  Sealbuild java(String javaBinary) {
    this.java = javaBinary;
    return this;
  }

  /** Runs java under another command, e.g. {@code setpriv --reuid=65534 ...}. */
  Sealbuild wrapper(String... wrapperCommand) {
    wrapper.addAll(List.of(wrapperCommand));
    return this;
  }

  /** Runs the command through {@code sh -c 'PREFIX; exec java ...'}, e.g. to set a umask. */
  Sealbuild shellPrefix(String prefix) {
    jvmPrefix.add(prefix);
    return this;
  }

  Result run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(java);
    command.add("-jar");
    command.add(JAR.toString());
    command.addAll(List.of(args));
    command.addAll(0, wrapper);
    if (!jvmPrefix.isEmpty()) {
      StringBuilder sh = new StringBuilder(String.join("; ", jvmPrefix)).append("; exec");
      for (String c : command) {
        sh.append(" '").append(c.replace("'", "'\\''")).append('\'');
      }
      command = List.of("sh", "-c", sh.toString());
    }
    ProcessBuilder pb = new ProcessBuilder(command).directory(workingDir.toFile());
    pb.environment().remove("SEALBUILD_CACHE");
    pb.environment().remove("SOURCE_DATE_EPOCH");
    pb.environment().putAll(env);
    Path out = Files.createTempFile("sealbuild-out", ".txt");
    Path err = Files.createTempFile("sealbuild-err", ".txt");
    try {
      Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError("sealbuild " + String.join(" ", args) + " did not finish in 10 minutes");
      }
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  static Result ok(Result r) {
    if (r.exit() != 0) {
      throw new AssertionError("expected success\n" + r);
    }
    return r;
  }
}

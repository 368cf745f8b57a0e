package dev.sealbuild.builder.step;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One build step to run: the argv (a shell-form step is {@code ["/bin/sh", "-c", script]}), extra environment
 * variables, the working directory inside the image (null: {@code /}), the user ({@code uid[:gid]} numeric or a
 * name looked up in the image's {@code /etc/passwd} and {@code /etc/group}; null: {@code 0:0}), the time it may
 * take, how messages show the command, and the directories mounted as empty tmpfs while it runs.
 */
public record StepCommand(List<String> argv, Map<String, String> env, String workdir, String user, Duration timeout,
    String display, List<String> tmpfs) {
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1800);

  public StepCommand {
    argv = List.copyOf(Objects.requireNonNull(argv, "argv"));
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("a step needs a command");
    }
    env = env == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(env));
    for (Map.Entry<String, String> e : env.entrySet()) {
      if (e.getKey().isEmpty() || e.getKey().indexOf('=') >= 0 || e.getKey().indexOf('\0') >= 0
          || e.getValue() == null || e.getValue().indexOf('\0') >= 0) {
        throw new dev.sealbuild.formats.UserError("step environment variable '" + e.getKey().replace("\0", "\\0")
            + "' is not valid: a name must be non-empty without '=' or NUL, a value without NUL");
      }
    }
    for (String arg : argv) {
      if (arg == null || arg.indexOf('\0') >= 0) {
        throw new dev.sealbuild.formats.UserError("step command " + argv + " has an argument with a NUL character");
      }
    }
    timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("a step's timeout must be positive: " + timeout);
    }
    display = display == null ? String.join(" ", argv) : display;
    tmpfs = tmpfs == null ? List.of() : List.copyOf(tmpfs);
  }

  public StepCommand(List<String> argv, Map<String, String> env, String workdir, String user, Duration timeout, String display) {
    this(argv, env, workdir, user, timeout, display, null);
  }

  /** The shell form: {@code /bin/sh -c script}, shown as the script. */
  public static StepCommand shell(String script) {
    return new StepCommand(List.of("/bin/sh", "-c", script), Map.of(), null, null, DEFAULT_TIMEOUT, script);
  }

  /** The argv form, shown as its words joined by spaces. */
  public static StepCommand exec(List<String> argv) {
    return new StepCommand(argv, Map.of(), null, null, DEFAULT_TIMEOUT, null);
  }

  public StepCommand withEnv(Map<String, String> newEnv) {
    return new StepCommand(argv, newEnv, workdir, user, timeout, display, tmpfs);
  }

  public StepCommand withWorkdir(String newWorkdir) {
    return new StepCommand(argv, env, newWorkdir, user, timeout, display, tmpfs);
  }

  public StepCommand withUser(String newUser) {
    return new StepCommand(argv, env, workdir, newUser, timeout, display, tmpfs);
  }

  public StepCommand withTimeout(Duration newTimeout) {
    return new StepCommand(argv, env, workdir, user, newTimeout, display, tmpfs);
  }
}

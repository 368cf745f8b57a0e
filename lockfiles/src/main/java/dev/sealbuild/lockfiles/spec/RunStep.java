package dev.sealbuild.lockfiles.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One {@code run:} step: a command run in a network-less container over the stage's tree so far (docs/steps.md).
 * In YAML a plain string is the shell form ({@code shell} set, {@code command} null), run as {@code /bin/sh -c};
 * the object form takes {@code command} (a string, again the shell form, or an argv list), {@code env},
 * {@code workdir}, {@code user} ({@code uid[:gid]} or a name), {@code timeout} in seconds and {@code tmpfs} (directories
 * mounted empty while the step runs, in no layer: a cache the image must not keep).
 */
public record RunStep(String shell, List<String> command, Map<String, String> env, String workdir, String user, int timeout,
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY) List<String> tmpfs) {
  public static final int DEFAULT_TIMEOUT = 1800;
  public static final int MAX_TIMEOUT = 86400;
  private static final String ID = "([0-9]{1,10}|[a-z_][a-z0-9_-]{0,31})";

  public RunStep {
    if ((shell == null) == (command == null)) {
      throw new IllegalArgumentException("a run step takes a shell string or an argv list as its command, not both");
    }
    if (shell != null && shell.isBlank()) {
      throw new IllegalArgumentException("run step command is empty; write the command to run");
    }
    if (command != null) {
      if (command.isEmpty() || command.get(0) == null || command.get(0).isBlank()) {
        throw new IllegalArgumentException("run step command is empty; write the program and its arguments, e.g. [/usr/bin/make, install]");
      }
      if (command.stream().anyMatch(java.util.Objects::isNull)) {
        throw new IllegalArgumentException("run step command " + command + " has an empty (null) argument; quote it as \"\"");
      }
      command = List.copyOf(command);
    }
    noNul(shell == null ? String.join(" ", command) : shell, "command");
    env = env == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(env));
    for (Map.Entry<String, String> e : env.entrySet()) {
      if (e.getKey() == null || !e.getKey().matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw new IllegalArgumentException("run step env name '" + e.getKey() + "' must be letters, digits and '_', not starting with a digit");
      }
      if (e.getValue() == null) {
        throw new IllegalArgumentException("run step env " + e.getKey() + " has no value; write " + e.getKey() + ": \"\" for an empty one");
      }
      noNul(e.getValue(), "env " + e.getKey());
    }
    if (workdir != null) {
      try {
        new ImagePath(workdir);
      } catch (IllegalArgumentException bad) {
        throw new IllegalArgumentException("run step workdir '" + workdir + "' must be a normalized absolute path, such as /src");
      }
    }
    if (user != null && !user.matches(ID + "(:" + ID + ")?")) {
      throw new IllegalArgumentException("run step user '" + user + "' must be uid[:gid] or a user name, for example \"1000:1000\" or nobody");
    }
    tmpfs = tmpfs == null ? List.of() : List.copyOf(tmpfs);
    for (String path : tmpfs) {
      try {
        if (new ImagePath(path).relative().isEmpty()) {
          throw new IllegalArgumentException("root");
        }
      } catch (IllegalArgumentException bad) {
        throw new IllegalArgumentException("run step tmpfs '" + path + "' must be a normalized absolute path below /, such as /root/.cache");
      }
    }
    if (timeout < 1 || timeout > MAX_TIMEOUT) {
      throw new IllegalArgumentException("run step timeout " + timeout + " must be between 1 and " + MAX_TIMEOUT + " seconds");
    }
  }

  /** A step without tmpfs mounts. */
  public RunStep(String shell, List<String> command, Map<String, String> env, String workdir, String user, int timeout) {
    this(shell, command, env, workdir, user, timeout, null);
  }

  /** The shell form with defaults: {@code /bin/sh -c shell}, as root in {@code /}, with a 1800 s timeout. */
  @JsonCreator
  public static RunStep ofShell(String shell) {
    return new RunStep(shell, null, null, null, null, DEFAULT_TIMEOUT);
  }

  /** An argv step with defaults. */
  public static RunStep ofArgv(List<String> command) {
    return new RunStep(null, command, null, null, null, DEFAULT_TIMEOUT);
  }

  @JsonCreator
  static RunStep fromFields(
      @JsonProperty(value = "command", required = true) JsonNode command,
      @JsonProperty("env") Map<String, String> env,
      @JsonProperty("workdir") String workdir,
      @JsonProperty("user") String user,
      @JsonProperty("timeout") Integer timeout,
      @JsonProperty("tmpfs") List<String> tmpfs) {
    int seconds = timeout == null ? DEFAULT_TIMEOUT : timeout;
    if (command == null || command.isNull()) {
      throw new IllegalArgumentException("run step command is empty; write the command to run");
    }
    if (command.isTextual()) {
      return new RunStep(command.asText(), null, env, workdir, user, seconds, tmpfs);
    }
    if (!command.isArray()) {
      throw new IllegalArgumentException("run step command must be a string (run by /bin/sh -c) or a list of arguments");
    }
    List<String> argv = new ArrayList<>();
    for (int i = 0; i < command.size(); i++) {
      JsonNode arg = command.get(i);
      if (!arg.isValueNode() || arg.isNull()) {
        String found = arg.isNull() ? "nothing" : arg.isObject() ? "a mapping (a ': ' inside the text? quote it)"
            : "a list";
        throw new IllegalArgumentException("run step command argument " + (i + 1) + " must be a string, found " + found);
      }
      argv.add(arg.asText());
    }
    return new RunStep(null, argv, env, workdir, user, seconds, tmpfs);
  }

  /** The program and its arguments: {@code [/bin/sh, -c, shell]} for the shell form. */
  public List<String> argv() {
    return shell != null ? List.of("/bin/sh", "-c", shell) : command;
  }

  /** The step as people read it: the shell string, or the arguments joined by spaces. */
  public String display() {
    return shell != null ? shell : String.join(" ", command);
  }

  private static void noNul(String text, String what) {
    if (text.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("run step " + what + " contains a NUL character");
    }
  }
}

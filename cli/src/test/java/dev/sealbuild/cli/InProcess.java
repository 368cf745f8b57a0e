package dev.sealbuild.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Runs {@code build ...} in this JVM through {@link Main}, with its own environment, working directory and writers. */
final class InProcess {
  record Result(int exit, String out, String err) {
    String lastLine() {
      List<String> lines = out.lines().toList();
      return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }

    /** Asserts exit 0 and returns itself. */
    Result ok() {
      assertEquals(0, exit, this::toString);
      return this;
    }
  }

  private final Path workingDir;
  private final Map<String, String> variables = new HashMap<>();

  InProcess(Path workingDir) {
    this.workingDir = workingDir;
  }

  InProcess env(String name, String value) {
    variables.put(name, value);
    return this;
  }

  Result run(String... args) {
    return run(new BuildCommand(), args);
  }

  Result run(Object command, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(command, args, new Environment(Map.copyOf(variables), workingDir), new PrintWriter(out), new PrintWriter(err));
    return new Result(exit, out.toString(), err.toString());
  }
}

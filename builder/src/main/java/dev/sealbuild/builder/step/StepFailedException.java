package dev.sealbuild.builder.step;

import dev.sealbuild.formats.UserError;
import java.util.List;

/**
 * A build step that exited non-zero, ran out of time or disk: the first line names the step, its command and what
 * happened; the last lines of its output follow, one per line.
 */
public final class StepFailedException extends UserError {
  private static final long serialVersionUID = 1L;
  private final transient List<String> lastLines;

  public StepFailedException(String headline, List<String> lastLines) {
    super(headline + tail(lastLines));
    this.lastLines = List.copyOf(lastLines);
  }

  public List<String> lastLines() {
    return lastLines;
  }

  private static String tail(List<String> lines) {
    if (lines.isEmpty()) {
      return " (no output)";
    }
    return "; last " + lines.size() + " line" + (lines.size() == 1 ? "" : "s") + " of its output:\n"
        + String.join("\n", lines);
  }
}

package dev.sealbuild.lockfiles.dockerfile;

/** What became of one Dockerfile instruction, for the migration report. */
public record ReportEntry(int line, String instruction, Outcome outcome, String detail) {
  /** How an instruction was carried over. */
  public enum Outcome {
    /** Into the spec as it was meant (config, copies, stages). */
    MAPPED("mapped"),
    /** A download now pinned by the lock: a package, a URL, a base image. */
    PINNED("pinned"),
    /** A command that runs as a build step with no network. */
    OFFLINE("runs offline"),
    /** Something sealbuild cannot make offline on its own: the detail says what to do. */
    NEEDS_USER("needs you"),
    /** Left out, with the reason (housekeeping the build does not need). */
    DROPPED("dropped");

    private final String word;

    Outcome(String word) {
      this.word = word;
    }

    public String word() {
      return word;
    }
  }

  /** One report line: {@code Dockerfile:12  RUN  runs offline  detail}. */
  public String render(String file) {
    return String.format("%s:%-4d %-11s %-13s %s", file, line, instruction, outcome.word(), detail);
  }
}

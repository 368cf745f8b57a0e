package dev.sealbuild.lockfiles.dockerfile;

import dev.sealbuild.lockfiles.spec.BuildSpec;
import java.util.List;

/**
 * A Dockerfile read as a spec: the spec itself, the same spec as {@code build.yaml} text ({@code build import} writes
 * it; the spec is parsed from it, so both always agree), and what became of each instruction.
 */
public record Translation(BuildSpec spec, String yaml, List<ReportEntry> report) {
  public Translation {
    report = List.copyOf(report);
  }

  /** True when some instruction needs the user's attention before the build can run offline. */
  public boolean needsUser() {
    return report.stream().anyMatch(e -> e.outcome() == ReportEntry.Outcome.NEEDS_USER);
  }
}

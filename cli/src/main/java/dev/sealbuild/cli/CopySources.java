package dev.sealbuild.cli;

import dev.sealbuild.lockfiles.spec.BuildSpec;
import dev.sealbuild.lockfiles.spec.CopyEntry;
import dev.sealbuild.lockfiles.spec.StageSpec;
import java.util.ArrayList;
import java.util.List;

/** The {@code copy:} sources a spec reads from beside it, in the image and in every stage, as written. */
final class CopySources {
  private CopySources() {}

  static List<String> of(BuildSpec spec) {
    List<String> sources = new ArrayList<>();
    add(spec.copy(), sources);
    for (StageSpec stage : spec.stages().values()) {
      add(stage.copy(), sources);
    }
    return sources;
  }

  private static void add(List<CopyEntry> entries, List<String> sources) {
    for (CopyEntry entry : entries) {
      if (entry.from() == null && entry.content() == null && entry.src() != null) {
        sources.add(entry.src());
      }
    }
  }
}

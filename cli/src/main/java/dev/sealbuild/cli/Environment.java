package dev.sealbuild.cli;

import dev.sealbuild.lockfiles.cache.VendorCacheLayout;
import java.nio.file.Path;
import java.util.Map;

/** The process environment and working directory, read once at the edge and passed down. */
public record Environment(Map<String, String> variables, Path workingDir) {
  public String get(String name) {
    return variables.get(name);
  }

  /** {@code --cache}, else {@code $SEALBUILD_CACHE}, else {@code ./vendor-cache}. */
  public VendorCacheLayout cache(Path option) {
    if (option != null) {
      return new VendorCacheLayout(workingDir.resolve(option));
    }
    String fromEnv = variables.get(VendorCacheLayout.ENV_VAR);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return new VendorCacheLayout(workingDir.resolve(fromEnv));
    }
    return new VendorCacheLayout(workingDir.resolve(VendorCacheLayout.DEFAULT_DIR));
  }

  /** True when a person watches: progress is then a redrawn bar rather than one line per event. */
  public boolean terminal() {
    return System.console() != null;
  }

  /** {@code SOURCE_DATE_EPOCH} when set (a non-negative integer), else null. */
  public Long sourceDateEpoch() {
    String s = variables.get("SOURCE_DATE_EPOCH");
    if (s == null || s.isBlank()) {
      return null;
    }
    try {
      long v = Long.parseLong(s.trim());
      if (v < 0) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new CliException("SOURCE_DATE_EPOCH='" + s + "' is not a non-negative number of seconds");
    }
  }
}

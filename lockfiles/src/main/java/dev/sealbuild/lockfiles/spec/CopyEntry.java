package dev.sealbuild.lockfiles.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A local file or directory, relative to the spec's directory, copied to {@code dest}; or with {@code from} a path
 * (absolute) in the result of the named stage. A {@code temporary} entry is present only while the stage's
 * {@code run} steps run, and in no layer. {@code exclude} leaves out what its patterns match ({@code .dockerignore}
 * syntax, relative to the spec's directory). {@code extract} unpacks a local tar archive (any compression) into
 * {@code dest}, with the modes and owners it holds, unless {@code owner} is given.
 */
public record CopyEntry(String src, ImagePath dest, FileMode mode, Owner owner,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean temporary, String from,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> exclude,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean extract) {
  private static final String STAGE_NAME = "[a-z0-9][a-z0-9._-]*";

  @JsonCreator
  static CopyEntry fromSpec(
      @JsonProperty(value = "src", required = true) String src,
      @JsonProperty(value = "dest", required = true) ImagePath dest,
      @JsonProperty("mode") FileMode mode,
      @JsonProperty("owner") Owner owner,
      @JsonProperty("temporary") Boolean temporary,
      @JsonProperty("from") String from,
      @JsonProperty("exclude") List<String> exclude,
      @JsonProperty("extract") Boolean extract) {
    return new CopyEntry(src, dest, mode, owner, temporary != null && temporary, from, exclude, extract != null && extract);
  }

  public CopyEntry(String src, ImagePath dest, FileMode mode, Owner owner, boolean temporary, String from) {
    this(src, dest, mode, owner, temporary, from, null, false);
  }

  /** A local file or directory that lands in the image. */
  public CopyEntry(String src, ImagePath dest, FileMode mode, Owner owner) {
    this(src, dest, mode, owner, false, null);
  }

  public CopyEntry {
    if (src == null || src.isBlank()) {
      throw new IllegalArgumentException(from == null ? "src must name a file or directory next to the spec"
          : "src must name an absolute path in stage '" + from + "'");
    }
    if (from != null) {
      if (!from.matches(STAGE_NAME)) {
        throw new IllegalArgumentException("from '" + from + "' must name a stage (lowercase letters, digits, '.', '_' or '-')");
      }
      if (!src.startsWith("/") || src.indexOf('\0') >= 0 || src.matches("(.*/)?\\.\\.?(/.*)?")) {
        throw new IllegalArgumentException("src '" + src + "' taken from stage '" + from
            + "' must be an absolute path inside that stage's result, such as /out/app");
      }
    }
    owner = owner == null && !extract ? Owner.ROOT : owner; // an extracted archive keeps its owners unless told
    exclude = exclude == null ? List.of() : List.copyOf(exclude);
    if (!exclude.isEmpty() && from != null) {
      throw new IllegalArgumentException("exclude applies to copies from the spec's directory, not from stage '" + from + "'");
    }
    if (extract && from != null) {
      throw new IllegalArgumentException("extract applies to a local archive, not to a path from stage '" + from + "'");
    }
    if (extract && mode != null) {
      throw new IllegalArgumentException("extract keeps the archive's modes; drop mode");
    }
    for (String pattern : exclude) {
      if (pattern == null || pattern.isBlank() || pattern.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("exclude patterns must be non-empty paths or wildcards, relative to the spec's directory");
      }
    }
  }
}

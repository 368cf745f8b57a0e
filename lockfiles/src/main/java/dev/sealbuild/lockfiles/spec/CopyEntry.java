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
 * {@code dest}, with the modes and owners it holds, unless {@code owner} is given. With {@code content} instead of
 * {@code src}, {@code dest} is a file holding that text (a Dockerfile's {@code COPY <<EOF}).
 */
public record CopyEntry(@JsonInclude(JsonInclude.Include.NON_NULL) String src, ImagePath dest, FileMode mode, Owner owner,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean temporary, String from,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> exclude,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean extract,
    @JsonInclude(JsonInclude.Include.NON_NULL) String content) {
  private static final String STAGE_NAME = "[a-z0-9][a-z0-9._-]*";

  @JsonCreator
  static CopyEntry fromSpec(
      @JsonProperty("src") String src,
      @JsonProperty(value = "dest", required = true) ImagePath dest,
      @JsonProperty("mode") FileMode mode,
      @JsonProperty("owner") Owner owner,
      @JsonProperty("temporary") Boolean temporary,
      @JsonProperty("from") String from,
      @JsonProperty("exclude") List<String> exclude,
      @JsonProperty("extract") Boolean extract,
      @JsonProperty("content") String content) {
    return new CopyEntry(src, dest, mode, owner, temporary != null && temporary, from, exclude, extract != null && extract,
        content);
  }

  public CopyEntry(String src, ImagePath dest, FileMode mode, Owner owner, boolean temporary, String from,
      List<String> exclude, boolean extract) {
    this(src, dest, mode, owner, temporary, from, exclude, extract, null);
  }

  public CopyEntry(String src, ImagePath dest, FileMode mode, Owner owner, boolean temporary, String from) {
    this(src, dest, mode, owner, temporary, from, null, false);
  }

  /** A local file or directory that lands in the image. */
  public CopyEntry(String src, ImagePath dest, FileMode mode, Owner owner) {
    this(src, dest, mode, owner, false, null);
  }

  public CopyEntry {
    if (content != null) {
      if (src != null || from != null || extract || (exclude != null && !exclude.isEmpty())) {
        throw new IllegalArgumentException("content is the text of one file: it takes no src, from, extract or exclude");
      }
      if (dest == null || dest.isDirectoryHint() || dest.relative().isEmpty()) {
        throw new IllegalArgumentException("content needs a file path as dest, such as /etc/app.conf");
      }
    } else if (src == null || src.isBlank()) {
      throw new IllegalArgumentException(from == null ? "src must name a file or directory next to the spec"
          + " (or give content: for a file's text)" : "src must name an absolute path in stage '" + from + "'");
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

  /** How messages name this entry's source: its src, or "inline text". */
  public String source() {
    return content != null ? "inline text" : src;
  }
}

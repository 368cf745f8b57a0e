package dev.sealbuild.lockfiles.lock;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.sealbuild.formats.oci.Platform;
import java.util.List;
import java.util.Objects;

/**
 * A package the spec's {@code exclude:} kept out although locked packages depend on it: its name, the packages whose
 * dependency on it was dropped ({@code neededBy}), the platforms where that happened, and each dropped dependency as
 * {@code package -> relation} ({@code dependencies}; empty when the resolver does not report them, then not written).
 * Recorded so a reader of the lock sees what the image lacks and why.
 */
public record ExcludedPackage(String name, List<String> neededBy, List<Platform> platforms,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> dependencies) implements Comparable<ExcludedPackage> {
  @JsonCreator
  public ExcludedPackage(
      @JsonProperty(value = "name", required = true) String name,
      @JsonProperty(value = "neededBy", required = true) List<String> neededBy,
      @JsonProperty(value = "platforms", required = true) List<Platform> platforms,
      @JsonProperty("dependencies") List<String> dependencies) {
    this.name = Objects.requireNonNull(name, "name");
    this.neededBy = neededBy.stream().sorted().distinct().toList();
    this.platforms = platforms.stream().sorted().distinct().toList();
    this.dependencies = dependencies == null ? List.of() : dependencies.stream().sorted().distinct().toList();
  }

  public ExcludedPackage(String name, List<String> neededBy, List<Platform> platforms) {
    this(name, neededBy, platforms, List.of());
  }

  @Override
  public int compareTo(ExcludedPackage o) {
    return name.compareTo(o.name);
  }

  /**
   * One line for people: {@code libfoo (needed by bar, baz; linux/amd64)}, with the dropped dependencies when known:
   * {@code libfoo (needed by bar; linux/amd64; dropped: bar -> libfoo (>= 1) | libfoo-2)}.
   */
  public String describe() {
    return name + " (needed by " + String.join(", ", neededBy) + "; "
        + String.join(", ", platforms.stream().map(Platform::toString).toList())
        + (dependencies.isEmpty() ? "" : "; dropped: " + String.join(", ", dependencies)) + ")";
  }
}

package dev.sealbuild.lockfiles.lock;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.sealbuild.formats.oci.Platform;
import java.util.List;
import java.util.Objects;

/**
 * A package the spec's {@code exclude:} kept out although locked packages depend on it: its name, the packages whose
 * dependency on it was dropped ({@code neededBy}), and the platforms where that happened. Recorded so a reader of the
 * lock sees what the image lacks and why.
 */
public record ExcludedPackage(String name, List<String> neededBy, List<Platform> platforms) implements Comparable<ExcludedPackage> {
  @JsonCreator
  public ExcludedPackage(
      @JsonProperty(value = "name", required = true) String name,
      @JsonProperty(value = "neededBy", required = true) List<String> neededBy,
      @JsonProperty(value = "platforms", required = true) List<Platform> platforms) {
    this.name = Objects.requireNonNull(name, "name");
    this.neededBy = neededBy.stream().sorted().distinct().toList();
    this.platforms = platforms.stream().sorted().distinct().toList();
  }

  @Override
  public int compareTo(ExcludedPackage o) {
    return name.compareTo(o.name);
  }

  /** One line for people: {@code libfoo (needed by bar, baz; linux/amd64)}. */
  public String describe() {
    return name + " (needed by " + String.join(", ", neededBy) + "; "
        + String.join(", ", platforms.stream().map(Platform::toString).toList()) + ")";
  }
}

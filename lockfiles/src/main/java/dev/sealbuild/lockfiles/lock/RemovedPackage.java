package dev.sealbuild.lockfiles.lock;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.sealbuild.formats.oci.Platform;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * A package the base has installed that the image no longer holds, as apk removes it when the request requires it (a
 * conflict, another provider of the same name chosen, or a new version in its place, which {@code packages} then pins):
 * its name and version as the base's {@code lib/apk/db/installed} records them, and the platforms where it goes.
 */
public record RemovedPackage(String name, String version, List<Platform> platforms) implements Comparable<RemovedPackage> {
  private static final Comparator<RemovedPackage> ORDER = Comparator.comparing(RemovedPackage::name)
      .thenComparing(RemovedPackage::version);

  @JsonCreator
  public RemovedPackage(
      @JsonProperty(value = "name", required = true) String name,
      @JsonProperty(value = "version", required = true) String version,
      @JsonProperty(value = "platforms", required = true) List<Platform> platforms) {
    this.name = Objects.requireNonNull(name, "name");
    this.version = Objects.requireNonNull(version, "version");
    if (platforms.isEmpty()) {
      throw new IllegalArgumentException("removed package " + name + " names no platform");
    }
    this.platforms = platforms.stream().sorted().distinct().toList();
  }

  @Override
  public int compareTo(RemovedPackage o) {
    return ORDER.compare(this, o);
  }

  /** One line for people: {@code bar 1.0-r0 (linux/amd64)}. */
  public String describe() {
    return name + " " + version + " (" + String.join(", ", platforms.stream().map(Platform::toString).toList()) + ")";
  }
}

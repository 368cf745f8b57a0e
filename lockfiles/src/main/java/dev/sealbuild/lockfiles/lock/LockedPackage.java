package dev.sealbuild.lockfiles.lock;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.oci.Platform;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * A pinned distribution package: what it is (name, version, architecture), where it lives relative to
 * its repository ({@code path}: a Debian pool path or an Alpine file name), what its bytes hash to, and
 * which platforms install it. Alpine packages also carry the index's {@code Q1} control checksum. A {@code buildOnly}
 * package is there only while the run steps run (the spec's {@code buildPackages} and what only they need): prep
 * fetches it, the image does not hold it.
 */
public record LockedPackage(String type, String name, String version, String architecture, String repository,
    String path, Sha256 sha256, long size, String checksum, List<Platform> platforms,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean buildOnly) implements Comparable<LockedPackage> {
  private static final Comparator<LockedPackage> ORDER = Comparator.comparing(LockedPackage::name)
      .thenComparing(LockedPackage::architecture).thenComparing(LockedPackage::version).thenComparing(LockedPackage::path);

  @JsonCreator
  public LockedPackage(
      @JsonProperty(value = "type", required = true) String type,
      @JsonProperty(value = "name", required = true) String name,
      @JsonProperty(value = "version", required = true) String version,
      @JsonProperty(value = "architecture", required = true) String architecture,
      @JsonProperty(value = "repository", required = true) String repository,
      @JsonProperty(value = "path", required = true) String path,
      @JsonProperty(value = "sha256", required = true) Sha256 sha256,
      @JsonProperty(value = "size", required = true) long size,
      @JsonProperty("checksum") String checksum,
      @JsonProperty(value = "platforms", required = true) List<Platform> platforms,
      @JsonProperty("buildOnly") boolean buildOnly) {
    this.type = Objects.requireNonNull(type, "type");
    this.name = Objects.requireNonNull(name, "name");
    this.version = Objects.requireNonNull(version, "version");
    this.architecture = Objects.requireNonNull(architecture, "architecture");
    this.repository = Objects.requireNonNull(repository, "repository");
    if (path == null || path.startsWith("/") || path.contains("..") || path.contains("\\") || path.contains("?") || path.contains("#")) {
      throw new IllegalArgumentException("package " + name + ": path '" + path + "' must be relative to its repository");
    }
    this.path = path;
    this.sha256 = Objects.requireNonNull(sha256, "sha256");
    if (size < 0) {
      throw new IllegalArgumentException("package " + name + ": size must not be negative");
    }
    this.size = size;
    this.checksum = checksum;
    this.platforms = platforms.stream().sorted().distinct().toList();
    this.buildOnly = buildOnly;
  }

  public LockedPackage(String type, String name, String version, String architecture, String repository, String path,
      Sha256 sha256, long size, String checksum, List<Platform> platforms) {
    this(type, name, version, architecture, repository, path, sha256, size, checksum, platforms, false);
  }

  /** This package, there only while the run steps run. */
  public LockedPackage asBuildOnly() {
    return new LockedPackage(type, name, version, architecture, repository, path, sha256, size, checksum, platforms, true);
  }

  @Override
  public int compareTo(LockedPackage o) {
    return ORDER.compare(this, o);
  }

  public String label() {
    return name + " " + version + " (" + architecture + ")";
  }
}

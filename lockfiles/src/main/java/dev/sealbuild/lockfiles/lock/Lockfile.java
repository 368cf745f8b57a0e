package dev.sealbuild.lockfiles.lock;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.sealbuild.formats.digest.Sha256;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code build.lock.json}: every input of a spec pinned by content. Entries are kept sorted so the file is
 * canonical. See docs/lockfile.md.
 */
public record Lockfile(
    int lockfileVersion, Sha256 specDigest, long sourceDateEpoch, LockedRootfs rootfs, LockedBaseImage baseImage,
    List<LockedFile> files, List<LockedRepository> repositories, List<LockedPackage> packages) {
  public static final int VERSION = 1;
  public static final String FILE_NAME = "build.lock.json";

  @JsonCreator
  public Lockfile(
      @JsonProperty(value = "lockfileVersion", required = true) int lockfileVersion,
      @JsonProperty(value = "specDigest", required = true) Sha256 specDigest,
      @JsonProperty("sourceDateEpoch") long sourceDateEpoch,
      @JsonProperty("rootfs") LockedRootfs rootfs,
      @JsonProperty("baseImage") LockedBaseImage baseImage,
      @JsonProperty("files") List<LockedFile> files,
      @JsonProperty("repositories") List<LockedRepository> repositories,
      @JsonProperty("packages") List<LockedPackage> packages) {
    if (lockfileVersion != VERSION) {
      throw new IllegalArgumentException("lockfileVersion " + lockfileVersion + " is not supported (this sealbuild reads version " + VERSION + ")");
    }
    if (sourceDateEpoch < 0) {
      throw new IllegalArgumentException("sourceDateEpoch must not be negative");
    }
    this.lockfileVersion = lockfileVersion;
    this.specDigest = Objects.requireNonNull(specDigest, "specDigest");
    this.sourceDateEpoch = sourceDateEpoch;
    if (rootfs != null && baseImage != null) {
      throw new IllegalArgumentException("a lock pins a base rootfs or a base image, not both");
    }
    this.rootfs = rootfs;
    this.baseImage = baseImage;
    this.files = files == null ? List.of() : files.stream().sorted().distinct().toList();
    this.repositories = repositories == null || repositories.isEmpty() ? null : repositories.stream().sorted().toList();
    this.packages = packages == null || packages.isEmpty() ? null : packages.stream().sorted().toList();
  }

  /** A lock for a spec without packages. */
  public Lockfile(int lockfileVersion, Sha256 specDigest, long sourceDateEpoch, LockedRootfs rootfs, List<LockedFile> files) {
    this(lockfileVersion, specDigest, sourceDateEpoch, rootfs, null, files, null, null);
  }

  public List<LockedPackage> packageList() {
    return packages == null ? List.of() : packages;
  }

  public List<LockedRepository> repositoryList() {
    return repositories == null ? List.of() : repositories;
  }

  public Optional<LockedFile> file(String url) {
    return files.stream().filter(f -> f.url().equals(url)).findFirst();
  }
}

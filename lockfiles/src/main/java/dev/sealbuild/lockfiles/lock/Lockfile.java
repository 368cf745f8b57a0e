package dev.sealbuild.lockfiles.lock;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.sealbuild.formats.digest.Sha256;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code build.lock.json}: every input of a spec pinned by content. Entries are kept sorted so the file is
 * canonical. {@code stages} holds one full lock per build stage of the spec, each pinning that stage's view
 * ({@code BuildSpec.stage(name)}), left out when the spec has no stages. {@code world} is an Alpine scope's
 * {@code packages:} exactly as written, in the order apk writes {@code /etc/apk/world} (by name); absent otherwise.
 * {@code removed} lists the base's packages the image no longer holds (Alpine: apk removes or replaces them when the
 * request requires it); absent when none, so older locks read as before. See docs/lockfile.md.
 */
public record Lockfile(
    int lockfileVersion, Sha256 specDigest, long sourceDateEpoch, LockedRootfs rootfs, LockedBaseImage baseImage,
    List<LockedFile> files, List<LockedRepository> repositories, List<LockedPackage> packages, List<ExcludedPackage> excluded,
    Map<String, Lockfile> stages, List<String> world, List<RemovedPackage> removed) {
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
      @JsonProperty("packages") List<LockedPackage> packages,
      @JsonProperty("excluded") List<ExcludedPackage> excluded,
      @JsonProperty("stages") Map<String, Lockfile> stages,
      @JsonProperty("world") List<String> world,
      @JsonProperty("removed") List<RemovedPackage> removed) {
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
    this.excluded = excluded == null || excluded.isEmpty() ? null : excluded.stream().sorted().toList();
    this.world = world == null || world.isEmpty() ? null : checkedWorld(world);
    this.removed = removed == null || removed.isEmpty() ? null : checkedRemoved(removed);
    if (stages == null || stages.isEmpty()) {
      this.stages = null;
    } else {
      for (Map.Entry<String, Lockfile> e : stages.entrySet()) {
        if (e.getValue() == null) {
          throw new IllegalArgumentException("stage '" + e.getKey() + "' pins nothing");
        }
        if (!e.getValue().stageMap().isEmpty()) {
          throw new IllegalArgumentException("stage '" + e.getKey() + "' has stages of its own; only the top level has stages");
        }
      }
      this.stages = Collections.unmodifiableMap(new TreeMap<>(stages));
    }
  }

  /** A lock that removes nothing from its base. */
  public Lockfile(int lockfileVersion, Sha256 specDigest, long sourceDateEpoch, LockedRootfs rootfs, LockedBaseImage baseImage,
      List<LockedFile> files, List<LockedRepository> repositories, List<LockedPackage> packages, List<ExcludedPackage> excluded,
      Map<String, Lockfile> stages, List<String> world) {
    this(lockfileVersion, specDigest, sourceDateEpoch, rootfs, baseImage, files, repositories, packages, excluded, stages, world,
        null);
  }

  /** Sorted, each name and version once per platform: a base holds one version of a name. */
  private static List<RemovedPackage> checkedRemoved(List<RemovedPackage> removed) {
    List<RemovedPackage> sorted = removed.stream().sorted().toList();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (RemovedPackage r : sorted) {
      for (var platform : r.platforms()) {
        if (!seen.add(r.name() + " " + platform)) {
          throw new IllegalArgumentException("removed names " + r.name() + " twice for " + platform);
        }
      }
    }
    return sorted;
  }

  /** What this scope removes from its base; empty when nothing. */
  public List<RemovedPackage> removedList() {
    return removed == null ? List.of() : removed;
  }

  /** A lock without a recorded world. */
  public Lockfile(int lockfileVersion, Sha256 specDigest, long sourceDateEpoch, LockedRootfs rootfs, LockedBaseImage baseImage,
      List<LockedFile> files, List<LockedRepository> repositories, List<LockedPackage> packages, List<ExcludedPackage> excluded,
      Map<String, Lockfile> stages) {
    this(lockfileVersion, specDigest, sourceDateEpoch, rootfs, baseImage, files, repositories, packages, excluded, stages, null);
  }

  /** Each entry a valid apk world entry, once per name, sorted by name as apk writes the world file. */
  private static List<String> checkedWorld(List<String> world) {
    java.util.TreeMap<String, String> byName = new java.util.TreeMap<>();
    for (String entry : world) {
      dev.sealbuild.lockfiles.spec.ApkWorldEntry parsed = dev.sealbuild.lockfiles.spec.ApkWorldEntry.parse(entry);
      if (byName.put(parsed.name(), entry) != null) {
        throw new IllegalArgumentException("world names " + parsed.name() + " twice");
      }
    }
    return List.copyOf(byName.values());
  }

  /** The world entries an Alpine scope records; empty for Debian and for locks without packages. */
  public List<String> worldList() {
    return world == null ? List.of() : world;
  }

  /** A lock without stages. */
  public Lockfile(int lockfileVersion, Sha256 specDigest, long sourceDateEpoch, LockedRootfs rootfs, LockedBaseImage baseImage,
      List<LockedFile> files, List<LockedRepository> repositories, List<LockedPackage> packages, List<ExcludedPackage> excluded) {
    this(lockfileVersion, specDigest, sourceDateEpoch, rootfs, baseImage, files, repositories, packages, excluded, null);
  }

  /** A lock without excluded packages. */
  public Lockfile(int lockfileVersion, Sha256 specDigest, long sourceDateEpoch, LockedRootfs rootfs, LockedBaseImage baseImage,
      List<LockedFile> files, List<LockedRepository> repositories, List<LockedPackage> packages) {
    this(lockfileVersion, specDigest, sourceDateEpoch, rootfs, baseImage, files, repositories, packages, null, null);
  }

  /** A lock for a spec without packages. */
  public Lockfile(int lockfileVersion, Sha256 specDigest, long sourceDateEpoch, LockedRootfs rootfs, List<LockedFile> files) {
    this(lockfileVersion, specDigest, sourceDateEpoch, rootfs, null, files, null, null, null, null);
  }

  public List<LockedPackage> packageList() {
    return packages == null ? List.of() : packages;
  }

  /** The packages the image holds: {@link #packageList} without the build-only ones. */
  public List<LockedPackage> installedPackages() {
    return packageList().stream().filter(p -> !p.buildOnly()).toList();
  }

  /** The packages present only while the run steps run. */
  public List<LockedPackage> buildOnlyPackages() {
    return packageList().stream().filter(LockedPackage::buildOnly).toList();
  }

  /** What {@code exclude:} kept out although locked packages depend on it; empty when nothing was. */
  public List<ExcludedPackage> excludedList() {
    return excluded == null ? List.of() : excluded;
  }

  public List<LockedRepository> repositoryList() {
    return repositories == null ? List.of() : repositories;
  }

  public Optional<LockedFile> file(String url) {
    return files.stream().filter(f -> f.url().equals(url)).findFirst();
  }

  /** The lock of every stage by name; empty when the spec has no stages. */
  public Map<String, Lockfile> stageMap() {
    return stages == null ? Map.of() : stages;
  }

  /** The lock of stage {@code name}. */
  public Lockfile stage(String name) {
    Lockfile stage = stageMap().get(name);
    if (stage == null) {
      throw new LockException("the lock does not pin stage '" + name + "'; run build lock");
    }
    return stage;
  }

  /** This lock with {@code stages} in place of its own. */
  public Lockfile withStages(Map<String, Lockfile> stages) {
    return new Lockfile(lockfileVersion, specDigest, sourceDateEpoch, rootfs, baseImage, files, repositories, packages, excluded, stages,
        world, removed);
  }
}

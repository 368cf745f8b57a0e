package dev.sealbuild.lockfiles.diff;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.json.CanonicalJson;
import dev.sealbuild.lockfiles.lock.LockedBaseImage;
import dev.sealbuild.lockfiles.lock.LockedPackage;
import dev.sealbuild.lockfiles.lock.LockedPlatformImage;
import dev.sealbuild.lockfiles.lock.LockedRepository;
import dev.sealbuild.lockfiles.lock.LockedRootfs;
import dev.sealbuild.lockfiles.lock.Lockfile;
import dev.sealbuild.formats.oci.Platform;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What differs between two locks, by content: packages (per type, name, architecture and platform; a package that
 * only became build-only, or stopped being, is a change too), remote
 * files, the base rootfs, the base image, the repositories' signed indexes and keys, the spec digest and the
 * epoch, the base packages removed ({@code removedFromBase}, null when the same), and the same for each build stage ({@code stages}: the stages whose locks differ, by name; a stage only one
 * lock pins is compared with nothing). Lists are sorted; a null field means no difference there. Sizes are not
 * compared: a digest says it all.
 */
public record LockDiff(
    List<PackageChange> packages,
    List<FileChange> files,
    RootfsChange rootfs,
    BaseImageChange baseImage,
    List<RepositoryChange> repositories,
    ValueChange<Sha256> specDigest,
    ValueChange<Long> sourceDateEpoch,
    Map<String, LockDiff> stages,
    List<RemovalChange> removedFromBase) {

  public LockDiff {
    removedFromBase = removedFromBase == null || removedFromBase.isEmpty() ? null
        : removedFromBase.stream().sorted().toList();
    packages = List.copyOf(packages);
    files = List.copyOf(files);
    repositories = List.copyOf(repositories);
    stages = stages == null || stages.isEmpty() ? null : java.util.Collections.unmodifiableMap(new TreeMap<>(stages));
  }

  /** A difference without stages. */
  public LockDiff(List<PackageChange> packages, List<FileChange> files, RootfsChange rootfs, BaseImageChange baseImage,
      List<RepositoryChange> repositories, ValueChange<Sha256> specDigest, ValueChange<Long> sourceDateEpoch) {
    this(packages, files, rootfs, baseImage, repositories, specDigest, sourceDateEpoch, null, null);
  }

  /** A difference with stages and the same base removals. */
  public LockDiff(List<PackageChange> packages, List<FileChange> files, RootfsChange rootfs, BaseImageChange baseImage,
      List<RepositoryChange> repositories, ValueChange<Sha256> specDigest, ValueChange<Long> sourceDateEpoch,
      Map<String, LockDiff> stages) {
    this(packages, files, rootfs, baseImage, repositories, specDigest, sourceDateEpoch, stages, null);
  }

  /** The base removals that differ; empty when none do. */
  public List<RemovalChange> removedFromBaseList() {
    return removedFromBase == null ? List.of() : removedFromBase;
  }

  private static List<RemovalChange> removals(Lockfile from, Lockfile to) {
    List<RemovalChange> changes = new ArrayList<>();
    for (var r : to.removedList()) {
      if (!from.removedList().contains(r)) {
        changes.add(new RemovalChange(Change.ADDED, r.name(), r.version(), r.platforms()));
      }
    }
    for (var r : from.removedList()) {
      if (!to.removedList().contains(r)) {
        changes.add(new RemovalChange(Change.REMOVED, r.name(), r.version(), r.platforms()));
      }
    }
    return changes;
  }

  public static LockDiff between(Lockfile from, Lockfile to) {
    Map<String, LockDiff> stages = new TreeMap<>();
    Set<String> names = new TreeSet<>(from.stageMap().keySet());
    names.addAll(to.stageMap().keySet());
    for (String name : names) {
      Lockfile before = from.stageMap().get(name);
      Lockfile after = to.stageMap().get(name);
      LockDiff stage = between(before != null ? before : nothing(after), after != null ? after : nothing(before));
      if (!stage.isEmpty()) {
        stages.put(name, stage);
      }
    }
    return new LockDiff(packages(from, to), files(from, to), rootfs(from.rootfs(), to.rootfs()),
        baseImage(from.baseImage(), to.baseImage()), repositories(from, to),
        from.specDigest().equals(to.specDigest()) ? null : new ValueChange<>(from.specDigest(), to.specDigest()),
        from.sourceDateEpoch() == to.sourceDateEpoch() ? null : new ValueChange<>(from.sourceDateEpoch(), to.sourceDateEpoch()),
        stages, removals(from, to));
  }

  /** A lock that pins nothing, as {@code other} would be without its inputs: what a new or dropped stage compares with. */
  private static Lockfile nothing(Lockfile other) {
    return new Lockfile(other.lockfileVersion(), other.specDigest(), other.sourceDateEpoch(), null, List.of());
  }

  /** The stages whose locks differ, by name; empty when none do. */
  public Map<String, LockDiff> stageMap() {
    return stages == null ? Map.of() : stages;
  }

  /** True when both locks pin the same content. */
  @JsonIgnore
  public boolean isEmpty() {
    return packages.isEmpty() && files.isEmpty() && rootfs == null && baseImage == null && repositories.isEmpty()
        && specDigest == null && sourceDateEpoch == null && stageMap().isEmpty() && removedFromBase == null;
  }

  /** Canonical pretty JSON of this diff ({@code build diff --json}). */
  public byte[] toJson() {
    return CanonicalJson.pretty(this);
  }

  private record PackageKey(String type, String name, String architecture) implements Comparable<PackageKey> {
    private static final Comparator<PackageKey> ORDER = Comparator.comparing(PackageKey::name)
        .thenComparing(PackageKey::architecture).thenComparing(PackageKey::type);

    @Override
    public int compareTo(PackageKey o) {
      return ORDER.compare(this, o);
    }
  }

  /** One version of a package as pinned: what it is called, what its bytes hash to, and whether it is build-only. */
  private record Build(String version, Sha256 sha256, boolean buildOnly) implements Comparable<Build> {
    @Override
    public int compareTo(Build o) {
      int c = version.compareTo(o.version);
      c = c != 0 ? c : sha256.compareTo(o.sha256);
      return c != 0 ? c : Boolean.compare(buildOnly, o.buildOnly);
    }
  }

  /** A change on one or more platforms: the same builds before and after. */
  private record Outcome(Change change, Build from, Build to) {}

  /** An empty platform list (never written by sealbuild's lockers) counts as one unnamed platform. */
  private static final String NO_PLATFORM = "";

  private static Map<PackageKey, Map<String, SortedSet<Build>>> byPlatform(Lockfile lock) {
    Map<PackageKey, Map<String, SortedSet<Build>>> index = new TreeMap<>();
    for (LockedPackage p : lock.packageList()) {
      Map<String, SortedSet<Build>> platforms = index.computeIfAbsent(new PackageKey(p.type(), p.name(), p.architecture()),
          k -> new TreeMap<>());
      List<String> names = p.platforms().isEmpty() ? List.of(NO_PLATFORM) : p.platforms().stream().map(Platform::toString).toList();
      for (String platform : names) {
        platforms.computeIfAbsent(platform, k -> new TreeSet<>()).add(new Build(p.version(), p.sha256(), p.buildOnly()));
      }
    }
    return index;
  }

  /**
   * Compares each package platform by platform, then groups platforms that saw the same change: a version
   * bump on every platform is one entry; a bump on one platform only is an entry for that platform, with
   * the others listed as unchanged.
   */
  private static List<PackageChange> packages(Lockfile from, Lockfile to) {
    Map<PackageKey, Map<String, SortedSet<Build>>> before = byPlatform(from);
    Map<PackageKey, Map<String, SortedSet<Build>>> after = byPlatform(to);
    Set<PackageKey> keys = new TreeSet<>(before.keySet());
    keys.addAll(after.keySet());
    List<PackageChange> changes = new ArrayList<>();
    for (PackageKey key : keys) {
      Map<String, SortedSet<Build>> old = before.getOrDefault(key, Map.of());
      Map<String, SortedSet<Build>> now = after.getOrDefault(key, Map.of());
      Set<String> platforms = new TreeSet<>(old.keySet());
      platforms.addAll(now.keySet());
      Map<Outcome, List<String>> outcomes = new LinkedHashMap<>();
      List<String> unchanged = new ArrayList<>();
      for (String platform : platforms) {
        SortedSet<Build> was = old.getOrDefault(platform, new TreeSet<>());
        SortedSet<Build> is = now.getOrDefault(platform, new TreeSet<>());
        if (was.equals(is)) {
          unchanged.add(platform);
        } else if (was.size() == 1 && is.size() == 1) {
          outcomes.computeIfAbsent(new Outcome(Change.CHANGED, was.first(), is.first()), o -> new ArrayList<>()).add(platform);
        } else {
          for (Build b : was) {
            if (!is.contains(b)) {
              outcomes.computeIfAbsent(new Outcome(Change.REMOVED, b, null), o -> new ArrayList<>()).add(platform);
            }
          }
          for (Build b : is) {
            if (!was.contains(b)) {
              outcomes.computeIfAbsent(new Outcome(Change.ADDED, null, b), o -> new ArrayList<>()).add(platform);
            }
          }
        }
      }
      outcomes.forEach((outcome, on) -> changes.add(new PackageChange(outcome.change(), key.type(), key.name(), key.architecture(),
          outcome.from() == null ? null : outcome.from().version(), outcome.to() == null ? null : outcome.to().version(),
          outcome.from() == null ? null : outcome.from().sha256(), outcome.to() == null ? null : outcome.to().sha256(),
          platforms(on), platforms(unchanged), flipped(outcome) ? outcome.from().buildOnly() : null,
          flipped(outcome) ? outcome.to().buildOnly() : null)));
    }
    changes.sort(null);
    return changes;
  }

  private static boolean flipped(Outcome outcome) {
    return outcome.from() != null && outcome.to() != null && outcome.from().buildOnly() != outcome.to().buildOnly();
  }

  private static List<Platform> platforms(List<String> names) {
    return names.stream().filter(n -> !n.equals(NO_PLATFORM)).map(Platform::parse).toList();
  }

  private static List<FileChange> files(Lockfile from, Lockfile to) {
    Map<String, Sha256> before = new TreeMap<>();
    from.files().forEach(f -> before.putIfAbsent(f.url(), f.sha256()));
    Map<String, Sha256> after = new TreeMap<>();
    to.files().forEach(f -> after.putIfAbsent(f.url(), f.sha256()));
    Set<String> urls = new TreeSet<>(before.keySet());
    urls.addAll(after.keySet());
    List<FileChange> changes = new ArrayList<>();
    for (String url : urls) {
      Sha256 was = before.get(url);
      Sha256 is = after.get(url);
      if (!Objects.equals(was, is)) {
        changes.add(new FileChange(Change.between(was, is), url, was, is));
      }
    }
    return changes;
  }

  private static RootfsChange rootfs(LockedRootfs from, LockedRootfs to) {
    if (from == null && to == null
        || from != null && to != null && from.source().equals(to.source()) && from.sha256().equals(to.sha256())) {
      return null;
    }
    return new RootfsChange(Change.between(from, to), from == null ? null : from.source(), to == null ? null : to.source(),
        from == null ? null : from.sha256(), to == null ? null : to.sha256());
  }

  private static BaseImageChange baseImage(LockedBaseImage from, LockedBaseImage to) {
    if (from == null && to == null) {
      return null;
    }
    Map<Platform, Sha256> before = manifests(from);
    Map<Platform, Sha256> after = manifests(to);
    Set<Platform> platforms = new TreeSet<>(before.keySet());
    platforms.addAll(after.keySet());
    List<BaseImageChange.PlatformManifestChange> changed = new ArrayList<>();
    for (Platform platform : platforms) {
      Sha256 was = before.get(platform);
      Sha256 is = after.get(platform);
      if (!Objects.equals(was, is)) {
        changed.add(new BaseImageChange.PlatformManifestChange(Change.between(was, is), platform, was, is));
      }
    }
    String fromReference = from == null ? null : from.reference();
    String toReference = to == null ? null : to.reference();
    Sha256 fromDigest = from == null ? null : from.root().digest();
    Sha256 toDigest = to == null ? null : to.root().digest();
    if (changed.isEmpty() && Objects.equals(fromReference, toReference) && Objects.equals(fromDigest, toDigest)) {
      return null;
    }
    return new BaseImageChange(Change.between(from, to), fromReference, toReference, fromDigest, toDigest, changed);
  }

  private static Map<Platform, Sha256> manifests(LockedBaseImage image) {
    Map<Platform, Sha256> manifests = new TreeMap<>();
    if (image != null) {
      for (LockedPlatformImage p : image.platforms()) {
        manifests.put(p.platform(), p.manifest().digest());
      }
    }
    return manifests;
  }

  /** What a repository pins: its indexes by path and its keys by name, each with a digest and, for indexes, a date. */
  private record Pinned(Sha256 sha256, String date) {}

  private static Map<List<String>, Pinned> repositoryItems(Lockfile lock) {
    Map<List<String>, Pinned> items = new LinkedHashMap<>();
    for (LockedRepository repo : lock.repositoryList()) {
      for (LockedRepository.Index index : repo.indexes()) {
        items.put(List.of(repo.name(), index.path()), new Pinned(index.sha256(), index.date()));
      }
      if (repo.keys() != null) {
        for (LockedRepository.Key key : repo.keys()) {
          items.put(List.of(repo.name(), "key " + key.name()), new Pinned(Sha256.hash(key.pem().getBytes(StandardCharsets.UTF_8)), null));
        }
      }
    }
    return items;
  }

  private static List<RepositoryChange> repositories(Lockfile from, Lockfile to) {
    Map<List<String>, Pinned> before = repositoryItems(from);
    Map<List<String>, Pinned> after = repositoryItems(to);
    Set<List<String>> items = new LinkedHashSet<>(before.keySet());
    items.addAll(after.keySet());
    List<RepositoryChange> changes = new ArrayList<>();
    for (List<String> item : items) {
      Pinned was = before.get(item);
      Pinned is = after.get(item);
      if (was == null || is == null || !was.sha256().equals(is.sha256())) {
        changes.add(new RepositoryChange(Change.between(was, is), item.get(0), item.get(1),
            was == null ? null : was.sha256(), is == null ? null : is.sha256(), was == null ? null : was.date(),
            is == null ? null : is.date()));
      }
    }
    changes.sort(null);
    return changes;
  }
}

package dev.sealbuild.prep.lock;

import dev.sealbuild.lockfiles.lock.LockedBaseImage;
import dev.sealbuild.lockfiles.lock.LockedFile;
import dev.sealbuild.lockfiles.lock.LockedRootfs;
import dev.sealbuild.lockfiles.lock.Lockfile;
import dev.sealbuild.lockfiles.spec.BuildSpec;
import dev.sealbuild.lockfiles.spec.FileEntry;
import dev.sealbuild.lockfiles.spec.RootfsSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import dev.sealbuild.lockfiles.diff.Change;
import dev.sealbuild.lockfiles.diff.LockDiff;
import dev.sealbuild.lockfiles.diff.PackageChange;
import dev.sealbuild.lockfiles.diff.RemovalChange;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code build lock --update}: which pins of the previous lock survive when everything is resolved again. Only
 * what the spec itself pins by content is kept (a {@code sha256} written in the spec, a base image referenced by
 * digest), so their recorded sizes and manifests carry over; packages, unpinned files, an unpinned rootfs and a
 * base image by tag are dropped, so {@link Locker} resolves them afresh.
 */
public final class LockUpdate {
  private LockUpdate() {}

  /**
   * The previous lock reduced to what the spec pins, stage by stage; pass it to {@link Locker#lock} as the previous
   * lock.
   */
  public static Lockfile basis(BuildSpec spec, Lockfile previous) {
    Map<String, Lockfile> stages = new TreeMap<>();
    previous.stageMap().forEach((name, stage) -> {
      if (spec.stages().containsKey(name)) {
        stages.put(name, basisOne(spec.stage(name), stage));
      }
    });
    return basisOne(spec, previous).withStages(stages);
  }

  private static Lockfile basisOne(BuildSpec spec, Lockfile previous) {
    List<LockedFile> files = previous.files().stream().filter(f -> pinnedBySpec(spec, f)).toList();
    RootfsSource r = spec.base().rootfs();
    LockedRootfs rootfs = previous.rootfs() != null && r != null && r.sha256() != null
        && previous.rootfs().source().equals(r.source()) && previous.rootfs().sha256().hex().equals(r.sha256())
        ? previous.rootfs() : null;
    LockedBaseImage image = previous.baseImage() != null && spec.base().image() != null
        && spec.base().image().contains("@sha256:") && previous.baseImage().reference().equals(spec.base().image())
        ? previous.baseImage() : null;
    return new Lockfile(previous.lockfileVersion(), previous.specDigest(), previous.sourceDateEpoch(), rootfs, image, files,
        null, null);
  }

  private static boolean pinnedBySpec(BuildSpec spec, LockedFile locked) {
    for (FileEntry f : spec.files()) {
      if (f.sha256() != null && f.url().toString().equals(locked.url()) && f.sha256().equals(locked.sha256().hex())) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code build lock --update PACKAGE...}: the previous lock without its packages, so they are resolved again,
   * while files, the rootfs and the base image stay pinned as they are.
   */
  public static Lockfile packagesOnly(Lockfile previous) {
    Map<String, Lockfile> stages = new TreeMap<>();
    previous.stageMap().forEach((name, stage) -> stages.put(name, packagesOnly(stage)));
    return new Lockfile(previous.lockfileVersion(), previous.specDigest(), previous.sourceDateEpoch(), previous.rootfs(),
        previous.baseImage(), previous.files(), null, null, null, stages);
  }

  /**
   * The package changes from {@code previous} to {@code updated} that {@code names} did not ask for: an update of
   * some packages may add new dependencies, or make a package build-only or no longer build-only at the version it
   * had, but any other package that moves or goes is reported (repositories publish only their newest versions, so
   * a fresh resolution may move more than asked).
   */
  public static List<PackageChange> unasked(Collection<String> names, Lockfile previous, Lockfile updated) {
    return withStages(previous, updated, (before, after) -> LockDiff.between(before, after).packages().stream()
        .filter(p -> p.change() != Change.ADDED && !p.onlyBuildOnlyChanged() && !names.contains(p.name()))
        .toList());
  }

  /**
   * The base packages (Alpine, the lock's {@code removed}) whose removal {@code names} did not ask for: removed only by
   * {@code updated} ({@link Change#ADDED}) or only by {@code previous} ({@link Change#REMOVED}), as {@code build diff}
   * lists them under {@code removed from base}.
   */
  public static List<RemovalChange> unaskedRemovals(Collection<String> names, Lockfile previous, Lockfile updated) {
    return withStages(previous, updated, (before, after) -> LockDiff.between(before, after).removedFromBaseList()
        .stream().filter(r -> !names.contains(r.name())).toList());
  }

  /** {@code own} of the two locks, then of each build stage both have. */
  private static <T> List<T> withStages(Lockfile previous, Lockfile updated,
      java.util.function.BiFunction<Lockfile, Lockfile, List<T>> own) {
    List<T> out = new ArrayList<>(own.apply(previous, updated));
    previous.stageMap().forEach((name, stage) -> {
      Lockfile now = updated.stageMap().get(name);
      if (now != null) {
        out.addAll(withStages(stage, now, own));
      }
    });
    return List.copyOf(out);
  }

  /**
   * Why {@code build lock --update NAMES} refuses {@code updated}, in one line, when more than the named packages
   * moved (packages that moved or went, base packages removed or no longer removed); empty when nothing else did.
   */
  public static Optional<String> refusal(Collection<String> names, Lockfile previous, Lockfile updated) {
    List<PackageChange> packages = unasked(names, previous, updated);
    List<RemovalChange> removals = unaskedRemovals(names, previous, updated);
    if (packages.isEmpty() && removals.isEmpty()) {
      return Optional.empty();
    }
    List<String> parts = new ArrayList<>();
    if (!packages.isEmpty()) {
      parts.add("move " + packages.stream()
          .map(p -> p.name() + " " + p.fromVersion() + (p.toVersion() == null ? " (removed)" : " -> " + p.toVersion()))
          .collect(Collectors.joining(", ")) + " (the repositories no longer offer what is pinned)");
    }
    if (!removals.isEmpty()) {
      parts.add("change what it removes from base (removed from base: " + removals.stream()
          .map(r -> r.change().sign() + " " + r.name() + " " + r.version() + " on "
              + r.platforms().stream().map(Object::toString).collect(Collectors.joining(" and ")))
          .collect(Collectors.joining(", ")) + ")");
    }
    return Optional.of("updating " + String.join(", ", names) + " would also " + String.join(" and ", parts)
        + "; name them too, or run build lock --update without names");
  }

  /** Names that are neither in the previous lock nor asked for by the spec: most likely typos. */
  public static List<String> unknown(Collection<String> names, BuildSpec spec, Lockfile previous) {
    return names.stream().filter(n -> !known(n, spec, previous)).toList();
  }

  /** Locked, removed from the base, or asked for by the image or by any stage. */
  private static boolean known(String name, BuildSpec spec, Lockfile previous) {
    if (pins(previous, name) || spec.packagesWhileStepsRun().contains(name)) {
      return true;
    }
    if (previous.stageMap().values().stream().anyMatch(s -> pins(s, name))) {
      return true;
    }
    return spec.stages().values().stream().anyMatch(s -> (s.packages().contains(name) || s.buildPackages().contains(name)));
  }

  private static boolean pins(Lockfile lock, String name) {
    return lock.packageList().stream().anyMatch(p -> p.name().equals(name))
        || lock.removedList().stream().anyMatch(r -> r.name().equals(name));
  }
}

package dev.sealbuild.prep.lock;

import dev.sealbuild.lockfiles.diff.LockDiff;
import dev.sealbuild.lockfiles.lock.LockException;
import dev.sealbuild.lockfiles.lock.Lockfile;
import dev.sealbuild.lockfiles.lock.LockfileIO;
import dev.sealbuild.lockfiles.spec.BuildSpec;
import dev.sealbuild.prep.packages.PackageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * {@code build lock}: pins a project's spec into the lockfile beside it, in named steps: read the previous lock, decide
 * what may be kept ({@code --update} with or without names), lock or plan, refuse an update that would move packages
 * not named, then write the lock when its bytes changed.
 */
public final class ProjectLocker {
  /** What was done: the lock, whether the file was already so, and how it differs from the previous one. */
  public record Outcome(Lockfile lock, boolean unchanged, Optional<LockDiff> changes) {}

  private final Locker locker;
  private final LockfileIO io = new LockfileIO();

  public ProjectLocker(Locker locker) {
    this.locker = locker;
  }

  /**
   * Locks {@code spec} into {@code lockFile}. {@code update} is null without {@code --update}, empty to resolve
   * everything again, or the package names to resolve again.
   */
  public Outcome lock(BuildSpec spec, Path specDir, Path lockFile, List<String> update, Long sourceDateEpoch) throws IOException {
    Optional<Lockfile> previous = previous(lockFile);
    checkUpdate(spec, previous, update);
    long epoch = sourceDateEpoch != null ? sourceDateEpoch : previous.map(Lockfile::sourceDateEpoch).orElse(0L);
    Lockfile lock = locker.lock(spec, specDir, basis(spec, previous, update), epoch);
    if (update != null && !update.isEmpty()) {
      refuseUnasked(update, previous.get(), lock);
    }
    byte[] bytes = io.toBytes(lock);
    boolean unchanged = Files.exists(lockFile) && Arrays.equals(bytes, Files.readAllBytes(lockFile));
    if (!unchanged) {
      io.write(lock, lockFile);
    }
    Optional<LockDiff> changes = update != null ? previous.map(p -> LockDiff.between(p, lock)) : Optional.empty();
    return new Outcome(lock, unchanged, changes);
  }

  /** What {@link #lock} would pin, downloading and writing nothing ({@code lock --dry-run}). */
  public List<Locker.PlannedEntry> plan(BuildSpec spec, Path lockFile, List<String> update) throws IOException {
    Optional<Lockfile> previous = previous(lockFile);
    checkUpdate(spec, previous, update);
    return locker.plan(spec, basis(spec, previous, update));
  }

  private Optional<Lockfile> previous(Path lockFile) {
    return Files.exists(lockFile) ? Optional.of(io.read(lockFile)) : Optional.empty();
  }

  private static void checkUpdate(BuildSpec spec, Optional<Lockfile> previous, List<String> names) {
    if (names == null || names.isEmpty()) {
      return;
    }
    if (previous.isEmpty()) {
      throw new LockException("--update " + String.join(" ", names) + ": there is no lock yet; run build lock first");
    }
    List<String> unknown = LockUpdate.unknown(names, spec, previous.get());
    if (!unknown.isEmpty()) {
      throw new PackageException("--update: " + String.join(", ", unknown) + " is neither locked nor in the spec's packages");
    }
  }

  /** What the locker may keep: everything the previous lock pins, or with --update only what the spec pins. */
  private static Optional<Lockfile> basis(BuildSpec spec, Optional<Lockfile> previous, List<String> update) {
    if (update == null) {
      return previous;
    }
    return update.isEmpty() ? previous.map(p -> LockUpdate.basis(spec, p)) : previous.map(LockUpdate::packagesOnly);
  }

  private static void refuseUnasked(List<String> names, Lockfile previous, Lockfile lock) {
    Optional<String> refusal = LockUpdate.refusal(names, previous, lock);
    if (refusal.isPresent()) {
      throw new PackageException(refusal.get());
    }
  }

}

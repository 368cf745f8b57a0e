package dev.sealbuild.lockfiles.lock;

import dev.sealbuild.lockfiles.spec.Base;
import dev.sealbuild.lockfiles.spec.BuildSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The locks along a chain of {@code base: {stage: …}}: a scope on a stage pins no base of its own, the stage the chain
 * ends in does. {@code spec} and {@code lock} are the whole spec and lock (with their stages).
 */
public final class StageBases {
  private StageBases() {}

  /** The lock that pins the base {@code base} ends in: {@code scopeLock} itself when {@code base} is not a stage. */
  public static Lockfile rootLock(BuildSpec spec, Lockfile lock, Base base, Lockfile scopeLock) {
    List<String> chain = spec.baseChain(base);
    return chain.isEmpty() ? scopeLock : lock.stage(chain.get(chain.size() - 1));
  }

  /** The image's lock followed by the lock of every stage its base chain goes through. */
  public static List<Lockfile> imageChain(BuildSpec spec, Lockfile lock) {
    List<Lockfile> locks = new ArrayList<>();
    locks.add(lock);
    for (String stage : spec.baseChain(spec.base())) {
      locks.add(lock.stage(stage));
    }
    return List.copyOf(locks);
  }
}

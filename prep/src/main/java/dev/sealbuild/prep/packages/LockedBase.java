package dev.sealbuild.prep.packages;

import dev.sealbuild.lockfiles.lock.LockedBaseImage;
import dev.sealbuild.lockfiles.lock.LockedPackage;
import dev.sealbuild.lockfiles.lock.LockedRootfs;
import dev.sealbuild.lockfiles.lock.RemovedPackage;
import java.util.List;

/**
 * The locked base that packages are resolved on top of (its package database counts): a root-filesystem tarball,
 * a base image, or nothing (scratch). On {@code base: {stage: …}} it is the base the stage chain ends in, and
 * {@code installed} holds the packages the stages of that chain install: they count as installed too; {@code removed}
 * the base packages those stages remove: they no longer do.
 */
public record LockedBase(LockedRootfs rootfs, LockedBaseImage image, List<LockedPackage> installed,
    List<RemovedPackage> removed) {
  public static final LockedBase SCRATCH = new LockedBase(null, null);

  public LockedBase {
    if (rootfs != null && image != null) {
      throw new IllegalArgumentException("a base is a rootfs or an image, not both");
    }
    installed = installed == null ? List.of() : List.copyOf(installed);
    removed = removed == null ? List.of() : List.copyOf(removed);
  }

  public LockedBase(LockedRootfs rootfs, LockedBaseImage image, List<LockedPackage> installed) {
    this(rootfs, image, installed, List.of());
  }

  public LockedBase(LockedRootfs rootfs, LockedBaseImage image) {
    this(rootfs, image, List.of());
  }

  /** No rootfs and no image (packages installed by base stages may still count). */
  public boolean isScratch() {
    return rootfs == null && image == null;
  }
}

package dev.sealbuild.prep.packages;

import dev.sealbuild.lockfiles.lock.LockedBaseImage;
import dev.sealbuild.lockfiles.lock.LockedRootfs;

/**
 * The locked base that packages are resolved on top of (its package database counts): a root-filesystem tarball,
 * a base image, or nothing (scratch).
 */
public record LockedBase(LockedRootfs rootfs, LockedBaseImage image) {
  public static final LockedBase SCRATCH = new LockedBase(null, null);

  public LockedBase {
    if (rootfs != null && image != null) {
      throw new IllegalArgumentException("a base is a rootfs or an image, not both");
    }
  }

  public boolean isScratch() {
    return rootfs == null && image == null;
  }
}

package dev.sealbuild.builder.fs;

import dev.sealbuild.formats.HostileInputException;

/** Ownership, permission bits (at most 07777) and modification time (seconds) of a tree node. */
public record Meta(int mode, long uid, long gid, long mtime) {
  public static final long MAX_ID = Integer.MAX_VALUE;

  public Meta {
    if (mode < 0 || mode > 07777) {
      throw new HostileInputException("mode " + Integer.toOctalString(mode) + " is out of range");
    }
    if (uid < 0 || gid < 0 || uid > MAX_ID || gid > MAX_ID) {
      throw new HostileInputException("uid/gid " + uid + ":" + gid + " is out of range (0.." + MAX_ID + ")");
    }
    if (mtime < 0) {
      mtime = 0;
    }
  }

  public Meta withMode(int newMode) {
    return new Meta(newMode, uid, gid, mtime);
  }

  public Meta clampMtime(long epoch) {
    return mtime <= epoch ? this : new Meta(mode, uid, gid, epoch);
  }
}

package dev.sealbuild.lockfiles.diff;

import dev.sealbuild.formats.digest.Sha256;

/** The base rootfs tarball added, removed, moved to another source or pinned to other bytes. */
public record RootfsChange(Change change, String fromSource, String toSource, Sha256 fromSha256, Sha256 toSha256) {}

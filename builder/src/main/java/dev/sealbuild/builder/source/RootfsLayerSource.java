package dev.sealbuild.builder.source;

import dev.sealbuild.formats.compress.ArchiveFormat;
import dev.sealbuild.builder.archive.IngestPolicy;
import dev.sealbuild.builder.archive.TarIngest;
import dev.sealbuild.formats.digest.VerifyingInputStream;
import dev.sealbuild.builder.fs.ImageTree;
import dev.sealbuild.formats.UserError;
import dev.sealbuild.lockfiles.lock.LockedRootfs;
import java.io.IOException;
import java.io.InputStream;

/** The base root-filesystem tarball: owners, modes and links as the tarball has them, mtimes clamped. */
public final class RootfsLayerSource implements LayerSource {
  private final LockedRootfs locked;
  private final BuildContext context;

  public RootfsLayerSource(LockedRootfs locked, BuildContext context) {
    this.locked = locked;
    this.context = context;
  }

  @Override
  public String describe() {
    return "base rootfs " + locked.source();
  }

  @Override
  public Object fingerprint() {
    return Fingerprints.of("rootfs", "locked", locked, "epoch", context.epoch());
  }

  @Override
  public void addTo(ImageTree tree) throws IOException {
    ArchiveFormat format = ArchiveFormat.fromName(locked.source());
    if (format == ArchiveFormat.ZIP) {
      throw new UserError("base rootfs " + locked.source() + " must be a tar archive (tar, tar.gz, tar.xz, tar.zst)");
    }
    try (VerifyingInputStream blob = context.cache().open(locked.sha256(), locked.size(), describe())) {
      InputStream tar = context.decompressors().tarStream(blob, format, describe());
      new TarIngest(context.spool()).ingest(tar, tree, IngestPolicy.rootfs(context.epoch(), describe()));
      blob.drainAndVerify();
    }
  }
}

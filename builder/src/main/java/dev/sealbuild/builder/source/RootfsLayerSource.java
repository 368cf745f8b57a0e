package dev.sealbuild.builder.source;

import dev.sealbuild.formats.compress.ArchiveFormat;
import dev.sealbuild.builder.archive.IngestPolicy;
import dev.sealbuild.builder.archive.TarIngest;
import dev.sealbuild.formats.digest.VerifyingInputStream;
import dev.sealbuild.builder.fs.ImageTree;
import dev.sealbuild.formats.UserError;
import dev.sealbuild.lockfiles.lock.LockedRootfs;
import dev.sealbuild.builder.facts.PackageFacts;
import dev.sealbuild.builder.fs.Content;
import dev.sealbuild.builder.fs.EntryPath;
import dev.sealbuild.builder.fs.Meta;
import dev.sealbuild.formats.tar.TarReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
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
      DatabaseCapture databases = new DatabaseCapture();
      new TarIngest(context.spool()).ingest(tar, tree, IngestPolicy.rootfs(context.epoch(), describe()), databases);
      blob.drainAndVerify();
      if (!databases.unreliable) {
        context.cache().facts().record(new PackageFacts.Databases(locked.sha256(), databases.apk, databases.dpkgStatus,
            databases.statusDir));
      }
    }
  }

  /**
   * Keeps the package databases the SBOM lists the rootfs's packages from, as they are placed: the same files, read
   * the same way (the last entry of a path wins). Where the two could disagree (a database over the size bound, an
   * entry the tree took as something other than a regular file), nothing is recorded and the SBOM reads the tarball.
   */
  private static final class DatabaseCapture implements TarIngest.EntryHook {
    private String apk;
    private String dpkgStatus;
    private final TreeMap<String, String> statusDir = new TreeMap<>();
    private long kept;
    private boolean unreliable;
    private boolean filePlaced;

    @Override
    public boolean take(String name, String linkName, TarArchiveEntry entry, InputStream data) {
      filePlaced = false;
      return false;
    }

    @Override
    public void placedFile(String name, TarArchiveEntry entry, Content content) throws IOException {
      filePlaced = true;
      EntryPath path = EntryPath.parse(name);
      if (!TarReader.isRegularFile(entry) || !PackageFacts.Databases.wanted(path)) {
        return;
      }
      kept += entry.getSize();
      if (entry.getSize() > PackageFacts.Databases.MAX_BYTES || kept > PackageFacts.Databases.MAX_BYTES) {
        unreliable = true;
        return;
      }
      String text = new String(content.readAll(), StandardCharsets.UTF_8);
      if (path.equals(PackageFacts.Databases.APK_DB)) {
        apk = text;
      } else if (path.equals(PackageFacts.Databases.DPKG_STATUS)) {
        dpkgStatus = text;
      } else {
        statusDir.put(path.name(), text);
      }
    }

    @Override
    public void placed(String name, String linkName, TarArchiveEntry entry, Meta meta) {
      if (!filePlaced && TarReader.isRegularFile(entry)) {
        try {
          unreliable |= PackageFacts.Databases.wanted(EntryPath.parse(name));
        } catch (RuntimeException notAPath) {
          unreliable = true;
        }
      }
    }
  }
}

package dev.sealbuild.builder.archive;

import dev.sealbuild.builder.fs.EntryPath;
import dev.sealbuild.builder.fs.HostileInputException;
import dev.sealbuild.builder.fs.ImageTree;
import dev.sealbuild.builder.fs.Meta;
import dev.sealbuild.builder.fs.Node;
import java.io.IOException;
import java.io.InputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/** Reads a tar stream entry by entry into the image tree, never onto the host file system. */
public final class TarIngest {
  private final ContentSpool spool;

  public TarIngest(ContentSpool spool) {
    this.spool = spool;
  }

  public void ingest(InputStream tarStream, ImageTree tree, IngestPolicy policy) throws IOException {
    TarArchiveInputStream tar = new TarArchiveInputStream(tarStream, "UTF-8");
    long count = 0;
    TarArchiveEntry entry;
    while ((entry = nextEntry(tar, policy)) != null) {
      if (++count > IngestPolicy.MAX_ENTRIES_PER_ARCHIVE) {
        throw new HostileInputException(policy.label() + ": more than " + IngestPolicy.MAX_ENTRIES_PER_ARCHIVE + " entries");
      }
      try {
        apply(tar, entry, tree, policy);
      } catch (HostileInputException e) {
        throw new HostileInputException(policy.label() + ": entry '" + printable(entry.getName()) + "': " + e.getMessage());
      }
    }
  }

  private static TarArchiveEntry nextEntry(TarArchiveInputStream tar, IngestPolicy policy) throws IOException {
    try {
      return tar.getNextEntry();
    } catch (IllegalArgumentException | IOException e) {
      throw new HostileInputException(policy.label() + ": not a valid tar archive (" + e.getMessage() + ")");
    }
  }

  private void apply(TarArchiveInputStream tar, TarArchiveEntry entry, ImageTree tree, IngestPolicy policy) throws IOException {
    String rawName = entry.getName();
    if (policy.confined() && rawName.startsWith("/")) {
      throw new HostileInputException("absolute path escapes the destination " + policy.destination());
    }
    EntryPath relative = EntryPath.parse(rawName);
    if (relative.name().startsWith(".wh.")) {
      throw new HostileInputException("whiteout names (.wh.*) are not allowed in this archive");
    }
    if (entry.isSparse() || entry.isGNUSparse() || entry.isOldGNUSparse() || entry.isPaxGNUSparse() || entry.isStarSparse()) {
      throw new HostileInputException("sparse files are not supported");
    }
    if (entry.getSize() < 0) {
      throw new HostileInputException("negative size");
    }
    EntryPath path = policy.destination().resolve(relative);
    if (policy.confined()) {
      requireInside(tree, path, policy);
    }
    Meta meta = meta(entry, policy);
    if (entry.isSymbolicLink()) {
      tree.addSymlink(path, meta, entry.getLinkName());
    } else if (entry.isLink()) {
      String target = entry.getLinkName();
      if (target.startsWith("/")) {
        throw new HostileInputException("hardlink target '" + printable(target) + "' is absolute");
      }
      if (entry.getSize() != 0) {
        throw new HostileInputException("hardlink carries a payload");
      }
      EntryPath targetPath = policy.destination().resolve(EntryPath.parse(target));
      if (policy.confined()) {
        requireInside(tree, targetPath, policy);
      }
      tree.addHardlink(path, targetPath);
    } else if (entry.isDirectory()) {
      if (!relative.isRoot()) {
        tree.addDirectory(path, meta);
      }
    } else if (entry.isFile()) {
      tree.addFile(path, meta, spool.append(tar, entry.getSize(), policy.label() + ":" + relative));
    } else if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
      if (!policy.allowSpecialFiles()) {
        throw new HostileInputException("device files and FIFOs are not allowed here");
      }
      Node.Special.Kind kind = entry.isFIFO() ? Node.Special.Kind.FIFO
          : entry.isCharacterDevice() ? Node.Special.Kind.CHAR_DEVICE : Node.Special.Kind.BLOCK_DEVICE;
      tree.addSpecial(path, meta, kind, entry.getDevMajor(), entry.getDevMinor());
    } else {
      throw new HostileInputException("unsupported tar entry type '" + (char) entry.getLinkFlag() + "'");
    }
  }

  private static void requireInside(ImageTree tree, EntryPath path, IngestPolicy policy) {
    EntryPath parent = tree.resolveParent(path);
    EntryPath dest = policy.destination();
    boolean inside = dest.isRoot() || parent.equals(dest) || parent.value().startsWith(dest.value() + "/");
    if (!inside) {
      throw new HostileInputException("resolves to " + parent.child(path.name()) + " through a symlink, outside the destination " + dest);
    }
  }

  private static Meta meta(TarArchiveEntry entry, IngestPolicy policy) {
    long uid = policy.owner() != null ? policy.owner()[0] : entry.getLongUserId();
    long gid = policy.owner() != null ? policy.owner()[1] : entry.getLongGroupId();
    long mtime = entry.getLastModifiedDate() == null ? 0 : Math.floorDiv(entry.getLastModifiedDate().getTime(), 1000);
    return new Meta(entry.getMode() & 07777, uid, gid, Math.max(0, mtime)).clampMtime(policy.epoch());
  }

  private static String printable(String s) {
    String t = s.length() > 200 ? s.substring(0, 200) + "..." : s;
    return t.replaceAll("[\\p{Cntrl}]", "?");
  }
}

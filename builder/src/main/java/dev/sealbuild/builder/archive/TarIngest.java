package dev.sealbuild.builder.archive;

import dev.sealbuild.formats.tar.TarReader;
import dev.sealbuild.builder.fs.Content;
import dev.sealbuild.builder.fs.EntryPath;
import dev.sealbuild.formats.HostileInputException;
import dev.sealbuild.builder.fs.ImageTree;
import dev.sealbuild.builder.fs.Meta;
import dev.sealbuild.builder.fs.Node;
import java.io.IOException;
import java.util.Optional;
import dev.sealbuild.formats.tar.Whiteout;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads a tar stream entry by entry into the image tree, never onto the host file system. Names and link
 * targets are the ones GNU tar would use (see {@link TarHeaderChain}); the archive must end with its
 * end-of-archive marker, so a stream cut at an entry boundary is not mistaken for a whole one.
 */
public final class TarIngest {
  /** Largest device number an ustar header can hold (7 octal digits). */
  private static final int MAX_DEVICE_NUMBER = 07777777;
  private final ContentSpool spool;

  public TarIngest(ContentSpool spool) {
    this.spool = spool;
  }

  private enum Kind {
    DIRECTORY("directory"), FILE("file"), SYMLINK("symlink"), HARDLINK("hardlink"),
    CHAR_DEVICE("character device"), BLOCK_DEVICE("block device"), FIFO("FIFO");

    final String word;

    Kind(String word) {
      this.word = word;
    }
  }

  /**
   * Lets a caller see each entry as it is read: take an entry for itself (package metadata it reads from
   * {@code data}) instead of placing it, adjust its owner or mode, and learn which entries were placed.
   */
  public interface EntryHook {
    /** True when the hook consumed the entry; it is then not placed in the tree. */
    boolean take(String name, String linkName, TarArchiveEntry entry, InputStream data) throws IOException;

    /** The metadata the entry is placed with; {@code packaged} is what the archive says, mtime clamped. */
    default Meta meta(TarArchiveEntry entry, Meta packaged) {
      return packaged;
    }

    /** The entry was placed in the tree with {@code meta}. */
    void placed(String name, String linkName, TarArchiveEntry entry, Meta meta) throws IOException;

    /** A regular file entry was placed with {@code content} (called before {@link #placed}). */
    default void placedFile(String name, TarArchiveEntry entry, Content content) throws IOException {
      // most hooks need only placed()
    }
  }

  private static final EntryHook NO_HOOK = new EntryHook() {
    @Override
    public boolean take(String name, String linkName, TarArchiveEntry entry, InputStream data) {
      return false;
    }

    @Override
    public void placed(String name, String linkName, TarArchiveEntry entry, Meta meta) {
      // nothing to do
    }
  };

  public void ingest(InputStream tarStream, ImageTree tree, IngestPolicy policy) throws IOException {
    ingest(tarStream, tree, policy, NO_HOOK);
  }

  public void ingest(InputStream tarStream, ImageTree tree, IngestPolicy policy, EntryHook hook) throws IOException {
    TarReader reader = new TarReader(tarStream, policy.label(), policy.maxEntries());
    TarArchiveInputStream tar = reader.data();
    while (true) {
      TarReader.Entry next = reader.next();
      if (next == null) {
        return;
      }
      TarArchiveEntry entry = next.header();
      String name = next.name();
      String linkName = next.linkName();
      try {
        if (hook.take(name, linkName, entry, tar)) {
          // What the hook left unread is read here, so the next headers are read where they begin.
          tar.transferTo(OutputStream.nullOutputStream());
        } else {
          hook.placed(name, linkName, entry, apply(tar, entry, name, linkName, tree, policy, hook));
        }
      } catch (HostileInputException e) {
        if (e.getMessage().startsWith(policy.label())) {
          throw e; // a decompression limit, already naming the archive
        }
        throw new HostileInputException(policy.label() + ": entry '" + printable(name) + "': " + e.getMessage());
      } catch (IOException e) {
        if (String.valueOf(e.getMessage()).startsWith(policy.label())) {
          throw e;
        }
        throw new IOException(policy.label() + ": entry '" + printable(name) + "': " + e.getMessage(), e);
      }
    }
  }

  private Meta apply(TarArchiveInputStream tar, TarArchiveEntry entry, String name, String linkName, ImageTree tree,
      IngestPolicy policy, EntryHook hook) throws IOException {
    if (policy.confined() && name.startsWith("/")) {
      throw new HostileInputException("absolute path escapes the destination " + policy.destination());
    }
    EntryPath relative = EntryPath.parse(name);
    if (!policy.whiteouts()) {
      if (Whiteout.containsWhiteoutName(relative.value())) {
        throw new HostileInputException("whiteout names (.wh.*) are not allowed in this archive");
      }
    } else {
      boolean regular = TarReader.isRegularFile(entry) && !name.endsWith("/");
      Optional<Whiteout> whiteout = Whiteout.of(relative.value(), regular, entry.getSize());
      if (whiteout.isPresent()) {
        if (whiteout.get() instanceof Whiteout.Opaque opaque) {
          tree.markOpaque(EntryPath.parse(opaque.directory()));
        } else {
          tree.whiteout(EntryPath.parse(((Whiteout.Removal) whiteout.get()).target()));
        }
        return meta(entry, policy);
      }
    }
    if (entry.isSparse() || entry.isGNUSparse() || entry.isOldGNUSparse() || entry.isPaxGNUSparse() || entry.isStarSparse()) {
      throw new HostileInputException("sparse files are not supported");
    }
    Kind kind = kind(entry, name);
    if (entry.getSize() < 0) {
      throw new HostileInputException("negative size");
    }
    if (kind != Kind.FILE && entry.getSize() != 0) {
      throw new HostileInputException(kind == Kind.HARDLINK ? "hardlink carries a payload"
          : kind.word + " declares " + entry.getSize() + " bytes of data");
    }
    if (relative.isRoot()) {
      if (kind == Kind.DIRECTORY) {
        return meta(entry, policy);
      }
      throw new HostileInputException(kind.word + " entry names " + (policy.destination().isRoot() ? "the image root" : "the destination " + policy.destination())
          + " itself ('.', '/' or empty)");
    }
    EntryPath path = policy.destination().resolve(relative);
    if (policy.confined()) {
      requireInside(tree, path, policy);
    }
    Meta meta = hook.meta(entry, meta(entry, policy));
    switch (kind) {
      case SYMLINK -> tree.addSymlink(path, meta, linkName);
      case HARDLINK -> {
        if (linkName.startsWith("/")) {
          throw new HostileInputException("hardlink target '" + printable(linkName) + "' is absolute");
        }
        EntryPath targetPath = policy.destination().resolve(EntryPath.parse(linkName));
        if (policy.confined()) {
          requireInside(tree, targetPath, policy);
        }
        tree.addHardlink(path, targetPath);
      }
      case DIRECTORY -> tree.addDirectory(path, meta);
      case FILE -> {
        Content content = spool.append(tar, entry.getSize(), policy.label() + ":" + relative);
        tree.addFile(path, meta, content);
        hook.placedFile(name, entry, content);
      }
      case CHAR_DEVICE, BLOCK_DEVICE, FIFO -> {
        if (!policy.allowSpecialFiles()) {
          throw new HostileInputException("device files and FIFOs are not allowed here");
        }
        if (entry.getDevMajor() < 0 || entry.getDevMajor() > MAX_DEVICE_NUMBER
            || entry.getDevMinor() < 0 || entry.getDevMinor() > MAX_DEVICE_NUMBER) {
          throw new HostileInputException("device number " + entry.getDevMajor() + "," + entry.getDevMinor() + " is out of range");
        }
        Node.Special.Kind special = kind == Kind.FIFO ? Node.Special.Kind.FIFO
            : kind == Kind.CHAR_DEVICE ? Node.Special.Kind.CHAR_DEVICE : Node.Special.Kind.BLOCK_DEVICE;
        tree.addSpecial(path, meta, special, entry.getDevMajor(), entry.getDevMinor());
      }
    }
    return meta;
  }

  /**
   * The entry type by its type flag (commons-compress calls devices and unknown types "files"). A regular
   * file whose name ends in '/' is a directory, as in old tar archives.
   */
  private static Kind kind(TarArchiveEntry entry, String name) {
    byte flag = entry.getLinkFlag();
    return switch (flag) {
      case '5' -> Kind.DIRECTORY;
      case '2' -> Kind.SYMLINK;
      case '1' -> Kind.HARDLINK;
      case '3' -> Kind.CHAR_DEVICE;
      case '4' -> Kind.BLOCK_DEVICE;
      case '6' -> Kind.FIFO;
      case '0', 0, '7' -> name.endsWith("/") ? Kind.DIRECTORY : Kind.FILE;
      default -> throw new HostileInputException("unsupported tar entry type '" + printable(String.valueOf((char) (flag & 0xff))) + "'");
    };
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

  static String printable(String s) {
    return dev.sealbuild.formats.io.Printable.of(s);
  }
}

package dev.sealbuild.builder.step;

import dev.sealbuild.builder.fs.Content;
import dev.sealbuild.builder.fs.EntryPath;
import dev.sealbuild.builder.fs.ImageTree;
import dev.sealbuild.builder.fs.LayerTree;
import dev.sealbuild.builder.fs.Meta;
import dev.sealbuild.builder.fs.Node;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Writes the merged view of an image tree into a fresh directory, following the hostile-input rule: every entry is
 * created with no-follow semantics below a directory this class itself created in the same run, so no name is ever
 * resolved through a link on the host. Symlinks are written as symlinks (never traversed), regular files sharing
 * one {@link Content} as hard links, devices and FIFOs are left out. Owners go through the {@link IdMapping}, modes
 * are applied after the contents, every mtime is the epoch.
 */
final class Materializer {
  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
  private final IdMapping ids;
  private final long epoch;

  Materializer(IdMapping ids, long epoch) {
    this.ids = ids;
    this.epoch = epoch;
  }

  /** {@code rootfs} must not exist yet; its parent must be a directory only this build writes. */
  MaterializedTree write(ImageTree tree, Path rootfs) throws IOException {
    Files.createDirectory(rootfs);
    Set<EntryPath> directories = new HashSet<>();
    directories.add(EntryPath.ROOT);
    Set<EntryPath> skipped = new HashSet<>();
    Map<Content, Path> firstLinks = new IdentityHashMap<>();
    List<EntryPath> created = new ArrayList<>();
    Map<EntryPath, Node> nodes = new HashMap<>();
    for (Map.Entry<EntryPath, Node> e : ChangeReader.visibleView(tree).entrySet()) {
      EntryPath p = e.getKey();
      Node node = e.getValue();
      if (!directories.contains(p.parent())) {
        continue; // below a left-out entry
      }
      Path host = host(rootfs, p);
      if (node instanceof Node.Directory) {
        Files.createDirectory(host);
        directories.add(p);
      } else if (node instanceof Node.Symlink s) {
        Files.createSymbolicLink(host, Path.of(s.target()));
      } else if (node instanceof Node.RegularFile f) {
        Path first = firstLinks.get(f.content());
        if (first != null) {
          Files.createLink(host, first);
        } else {
          copy(f.content(), host);
          firstLinks.put(f.content(), host);
        }
      } else {
        skipped.add(p);
        continue;
      }
      created.add(p);
      nodes.put(p, node);
    }
    // Owners, modes and times deepest first, so a directory's own time is set after its children were created.
    for (int i = created.size() - 1; i >= 0; i--) {
      EntryPath p = created.get(i);
      applyMeta(host(rootfs, p), nodes.get(p));
    }
    applyMeta(rootfs, rootNode(tree));
    Map<EntryPath, MaterializedTree.FileStamp> stamps = new HashMap<>();
    for (EntryPath p : created) {
      if (nodes.get(p) instanceof Node.RegularFile) {
        stamps.put(p, stamp(host(rootfs, p)));
      }
    }
    return new MaterializedTree(stamps, skipped);
  }

  static MaterializedTree.FileStamp stamp(Path host) throws IOException {
    Map<String, Object> a = Files.readAttributes(host, "unix:ino,ctime,size", NOFOLLOW);
    return new MaterializedTree.FileStamp(a.get("ino"), a.get("ctime"), (Long) a.get("size"));
  }

  /** The root directory's own metadata: the tree's entry for it is implicit, root-owned 0755. */
  private static Node rootNode(ImageTree tree) {
    return new Node.Directory(new Meta(0755, 0, 0, 0));
  }

  static Path host(Path rootfs, EntryPath p) {
    return p.isRoot() ? rootfs : rootfs.resolve(p.value());
  }

  private static void copy(Content content, Path host) throws IOException {
    try (InputStream in = content.open();
        OutputStream out = Files.newOutputStream(host, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
            NOFOLLOW)) {
      byte[] buf = new byte[64 * 1024];
      long remaining = content.size();
      while (remaining > 0) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, remaining));
        if (n < 0) {
          throw new IOException(content.origin() + ": ends early while writing the step's root file system");
        }
        out.write(buf, 0, n);
        remaining -= n;
      }
    }
  }

  private void applyMeta(Path host, Node node) throws IOException {
    Meta m = node.meta();
    if (!ids.rootless()) {
      // lchown: a symlink's own owner; chown clears setuid bits, so it goes before the mode.
      Files.setAttribute(host, "unix:uid", (int) ids.toHostUid(m.uid()), NOFOLLOW);
      Files.setAttribute(host, "unix:gid", (int) ids.toHostGid(m.gid()), NOFOLLOW);
    }
    FileTime t = FileTime.fromMillis(epoch * 1000);
    Files.getFileAttributeView(host, BasicFileAttributeView.class, NOFOLLOW).setTimes(t, t, null);
    if (!(node instanceof Node.Symlink)) {
      // Not a link: this class created the entry as the tree's type, so chmod by path cannot go elsewhere (a no-follow
      // chmod would open the file, which fails without root once the mode forbids it). Last, for the same reason.
      Files.setAttribute(host, "unix:mode", m.mode());
    }
  }
}

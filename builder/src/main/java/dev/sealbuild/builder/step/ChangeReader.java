package dev.sealbuild.builder.step;

import dev.sealbuild.builder.archive.ContentSpool;
import dev.sealbuild.builder.fs.Content;
import dev.sealbuild.builder.fs.EntryPath;
import dev.sealbuild.builder.fs.ImageTree;
import dev.sealbuild.builder.fs.LayerTree;
import dev.sealbuild.builder.fs.Meta;
import dev.sealbuild.builder.fs.Node;
import dev.sealbuild.formats.UserError;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.tar.Whiteout;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a step's root file system back after the container is gone and compares it with the tree as it was before
 * the step (without the temporary inputs). Never follows a link on the host: the walk does not, and every file is
 * opened with no-follow semantics below directories the walk has just seen as directories.
 */
final class ChangeReader {
  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
  /** Mount points of the container's own file systems, never part of a step's effect. */
  private static final Set<String> MOUNTED = Set.of("proc", "dev", "sys");

  private final ImageTree tree;
  private final MaterializedTree materialized;
  private final Set<EntryPath> temporary;
  private final Set<EntryPath> temporaryDirectories;
  private final boolean tmpfsTmp;
  private final Set<EntryPath> mounted;
  private final IdMapping ids;
  private final long epoch;
  private final ContentSpool spool;
  private final String forMessages;
  private Map<EntryPath, Node> base;

  /**
   * @param temporary what the temporary inputs wrote: ignored with everything below it
   * @param temporaryDirectories directories build-only packages made: they stay only when the step kept something in them
   */
  ChangeReader(ImageTree tree, MaterializedTree materialized, Set<EntryPath> temporary,
      Set<EntryPath> temporaryDirectories, boolean tmpfsTmp, Set<EntryPath> mounted, IdMapping ids, long epoch,
      ContentSpool spool, String forMessages) {
    this.tree = tree;
    this.materialized = materialized;
    this.temporary = temporary;
    this.temporaryDirectories = temporaryDirectories;
    this.tmpfsTmp = tmpfsTmp;
    this.mounted = mounted;
    this.ids = ids;
    this.epoch = epoch;
    this.spool = spool;
    this.forMessages = forMessages;
  }

  ChangeSet read(Path rootfs) throws IOException {
    base = visibleView(tree);
    List<ChangeSet.Change> changes = new ArrayList<>();
    Set<EntryPath> onDisk = new HashSet<>();
    Set<EntryPath> directoriesOnDisk = new HashSet<>();
    directoriesOnDisk.add(EntryPath.ROOT);
    Map<Object, Content> spooledByInode = new HashMap<>();
    Files.walkFileTree(rootfs, EnumSet.noneOf(java.nio.file.FileVisitOption.class), Integer.MAX_VALUE,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
            EntryPath p = entryPath(rootfs, dir, forMessages);
            if (p.isRoot()) {
              return FileVisitResult.CONTINUE;
            }
            if (ignored(p)) {
              return FileVisitResult.SKIP_SUBTREE;
            }
            visit(p, dir, attrs);
            openUp(dir, 0700);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
            EntryPath p = entryPath(rootfs, file, forMessages);
            if (!ignored(p)) {
              visit(p, file, attrs);
            }
            return FileVisitResult.CONTINUE;
          }

          private void visit(EntryPath p, Path host, BasicFileAttributes attrs) throws IOException {
            onDisk.add(p);
            if (attrs.isDirectory()) {
              directoriesOnDisk.add(p);
            }
            if (attrs.isOther()) {
              return; // FIFOs, sockets and devices a step leaves behind are not part of an image
            }
            if (Whiteout.isWhiteoutName(p.name())) {
              throw new UserError(forMessages + " created " + p + ": names starting with .wh. are reserved for "
                  + "layer whiteouts; rename or remove it in the step");
            }
            Node before = base.get(p);
            Node now = readNode(p, host, attrs, before, spooledByInode);
            if (now != before) {
              changes.add(new ChangeSet.Change(p, now));
            }
          }
        });
    changes.addAll(deletions(onDisk, directoriesOnDisk));
    return new ChangeSet(dropTemporaryParents(changes));
  }

  private static EntryPath entryPath(Path rootfs, Path host, String forMessages) {
    String rel = rootfs.relativize(host).toString();
    try {
      return rel.isEmpty() ? EntryPath.ROOT : EntryPath.parse(rel);
    } catch (dev.sealbuild.formats.HostileInputException e) {
      throw new UserError(forMessages + " created a name an image cannot hold (" + e.getMessage() + "); rename it "
          + "or remove it in the step");
    }
  }

  /** Mounts, the tmpfs /tmp, what is below a step's tmpfs mounts, what the temporaries wrote and everything below it. */
  private boolean ignored(EntryPath p) {
    List<String> c = p.components();
    if (!c.isEmpty() && (MOUNTED.contains(c.get(0)) || (tmpfsTmp && c.get(0).equals("tmp")))) {
      return true;
    }
    if (!mounted.isEmpty()) {
      for (EntryPath q = p; !q.isRoot(); q = q.parent()) {
        if (mounted.contains(q)) {
          return true; // as buildah does, not even a mount point the runtime had to create stays
        }
      }
    }
    for (EntryPath q = p; !q.isRoot(); q = q.parent()) {
      if (temporary.contains(q)) {
        return true;
      }
    }
    return false;
  }

  /** The node the disk shows, or {@code base} itself when nothing about it changed. */
  private Node readNode(EntryPath p, Path host, BasicFileAttributes attrs, Node base,
      Map<Object, Content> spooledByInode) throws IOException {
    Map<String, Object> a = Files.readAttributes(host, "unix:mode,uid,gid,ino,ctime,size", NOFOLLOW);
    if (attrs.isRegularFile() && base instanceof Node.RegularFile) {
      MaterializedTree.FileStamp before = materialized.files().get(p);
      if (before != null && before.equals(new MaterializedTree.FileStamp(a.get("ino"), a.get("ctime"),
          (Long) a.get("size")))) {
        return base;
      }
    }
    int mode = ((Integer) a.get("mode")) & 07777;
    long uid = owner(p, ((Number) a.get("uid")).longValue(), true, base);
    long gid = owner(p, ((Number) a.get("gid")).longValue(), false, base);
    long mtime = Math.min(Math.max(0, attrs.lastModifiedTime().toMillis() / 1000), epoch);
    if (attrs.isDirectory()) {
      if (base instanceof Node.Directory d && sameOwnerAndMode(d.meta(), mode, uid, gid)) {
        return base;
      }
      return new Node.Directory(new Meta(mode, uid, gid, mtime));
    }
    if (attrs.isSymbolicLink()) {
      String target = Files.readSymbolicLink(host).toString();
      if (base instanceof Node.Symlink s && Path.of(s.target()).toString().equals(target)
          && s.meta().uid() == uid && s.meta().gid() == gid) {
        return base;
      }
      return new Node.Symlink(new Meta(0777, uid, gid, mtime), target);
    }
    long size = (Long) a.get("size");
    Meta meta = new Meta(mode, uid, gid, mtime);
    if (base instanceof Node.RegularFile f && f.content().size() == size && sameOwnerAndMode(f.meta(), mode, uid, gid)
        && digest(f.content()).equals(hash(openUp(host, 0400)))) {
      return base;
    }
    Content content = spooledByInode.get(a.get("ino"));
    openUp(host, 0400);
    if (content == null) {
      try (InputStream in = Files.newInputStream(host, NOFOLLOW)) {
        content = spool.append(in, size, forMessages + " " + p);
      }
      spooledByInode.put(a.get("ino"), content);
    }
    if (base instanceof Node.RegularFile f && f.content().size() == size && f.meta().mode() == mode
        && f.meta().uid() == uid && f.meta().gid() == gid && digest(f.content()).equals(digest(content))) {
      return base;
    }
    return new Node.RegularFile(meta, content);
  }

  /**
   * Without root, a file or directory the step made unreadable to its owner (mode 000, 0311...) is opened up for the
   * read-back, after its mode was recorded; the directory is thrown away afterwards. Only called on an entry the walk
   * has just seen as a regular file or directory.
   */
  private Path openUp(Path host, int bits) throws IOException {
    if (ids.rootless()) {
      int mode = (Integer) Files.getAttribute(host, "unix:mode", NOFOLLOW) & 07777;
      if ((mode & bits) != bits) {
        // By path: a no-follow chmod opens the file first, which its mode forbids; it is a file or directory.
        Files.setAttribute(host, "unix:mode", mode | bits);
      }
    }
    return host;
  }

  private static boolean sameOwnerAndMode(Meta m, int mode, long uid, long gid) {
    return m.mode() == mode && m.uid() == uid && m.gid() == gid;
  }

  private static Sha256 digest(Content c) throws IOException {
    java.util.Optional<Sha256> known = c.knownDigest();
    if (known.isPresent()) {
      return known.get();
    }
    try (InputStream in = c.open()) {
      return Sha256.hash(in);
    }
  }

  private static Sha256 hash(Path host) throws IOException {
    try (InputStream in = Files.newInputStream(host, NOFOLLOW)) {
      return Sha256.hash(in);
    }
  }

  /**
   * The container's view of a host owner. Rootless, only the caller's id is mapped (to 0) and files keep the owner
   * the tree gave them: ownership cannot change there.
   */
  private long owner(EntryPath p, long host, boolean user, Node base) {
    long id = user ? ids.toContainerUid(host) : ids.toContainerGid(host);
    if (ids.rootless()) {
      return base == null ? 0 : (user ? base.meta().uid() : base.meta().gid());
    }
    if (id < 0) {
      throw new UserError(forMessages + " left " + p + " owned by host " + (user ? "uid " : "gid ") + host
          + ", outside the container's ids (0.." + (ids.size() - 1) + "); this is a bug or a tampered work directory");
    }
    return id;
  }

  /**
   * The merged view as a file system shows it: an entry counts only when every parent is a directory there (a
   * lower layer's entry below what an upper layer turned into a link or file is not visible).
   */
  static Map<EntryPath, Node> visibleView(ImageTree tree) {
    TreeSet<EntryPath> all = new TreeSet<>();
    for (LayerTree layer : tree.layers()) {
      all.addAll(layer.entries().keySet());
    }
    Map<EntryPath, Node> view = new java.util.LinkedHashMap<>();
    Set<EntryPath> directories = new HashSet<>();
    directories.add(EntryPath.ROOT);
    for (EntryPath p : all) {
      Node n = tree.lookup(p);
      if (n == null || !directories.contains(p.parent())) {
        continue;
      }
      if (n instanceof Node.Directory) {
        directories.add(p);
      }
      view.put(p, n);
    }
    return view;
  }

  /**
   * Paths of the tree before the step that are gone from the disk, only where their parent is still a directory:
   * below a deleted directory, or one replaced by a file or link, the change of the parent removes them.
   */
  private List<ChangeSet.Change> deletions(Set<EntryPath> onDisk, Set<EntryPath> directoriesOnDisk) {
    List<ChangeSet.Change> out = new ArrayList<>();
    for (EntryPath p : base.keySet()) {
      if (!ignored(p) && !materialized.skipped().contains(p) && !onDisk.contains(p)
          && directoriesOnDisk.contains(p.parent())) {
        out.add(new ChangeSet.Change(p, null));
      }
    }
    return out;
  }

  /**
   * A directory that exists only because a temporary input or a tmpfs mount needed a parent (not in the tree before,
   * above a temporary path or mount point, not temporary itself), or because a build-only package made it, stays only
   * when something the step kept is below it.
   */
  private List<ChangeSet.Change> dropTemporaryParents(List<ChangeSet.Change> changes) {
    Set<EntryPath> temporaryParents = new HashSet<>(temporaryDirectories);
    Set<EntryPath> roots = new HashSet<>(temporary);
    roots.addAll(mounted);
    for (EntryPath t : roots) {
      for (EntryPath q = t.parent(); !q.isRoot(); q = q.parent()) {
        temporaryParents.add(q);
      }
    }
    Set<EntryPath> keptParents = new HashSet<>();
    for (ChangeSet.Change c : changes) {
      if (!temporaryParents.contains(c.path()) || c.deleted()) {
        for (EntryPath q = c.path().parent(); !q.isRoot(); q = q.parent()) {
          keptParents.add(q);
        }
      }
    }
    List<ChangeSet.Change> out = new ArrayList<>();
    for (ChangeSet.Change c : changes) {
      boolean implicit = temporaryParents.contains(c.path()) && !base.containsKey(c.path())
          && c.node() instanceof Node.Directory;
      if (!implicit || keptParents.contains(c.path())) {
        out.add(c);
      }
    }
    return out;
  }
}

package dev.sealbuild.builder.fs;

import dev.sealbuild.formats.HostileInputException;
import dev.sealbuild.formats.tar.Whiteout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The image being assembled: finished lower layers plus the layer being written, seen as one file system.
 * Nothing is ever extracted onto the host: every name is resolved inside this tree as a chroot would
 * (absolute link targets start at the image root, {@code ..} stops at the root, at most 40 link hops),
 * and the final component of a path is never followed, so a new entry replaces a link instead of writing
 * through it. Resolved paths obey the same bounds as archive names ({@link EntryPath#MAX_PATH_BYTES},
 * {@link EntryPath#MAX_DEPTH}), and names beginning with {@code .wh.} are refused anywhere in the tree: a
 * layer consumer would read them as whiteouts.
 */
public final class ImageTree {
  public static final int MAX_LINK_HOPS = 40;
  private final List<LayerTree> lowers = new ArrayList<>();
  private final Meta implicitDirectoryMeta;
  private final long maxEntries;
  private LayerTree upper;
  private long entryCount;

  public ImageTree(String firstLayerDescription, long epoch, long maxEntries) {
    this.implicitDirectoryMeta = new Meta(0755, 0, 0, epoch);
    this.maxEntries = maxEntries;
    this.upper = new LayerTree(firstLayerDescription);
  }

  /** Seals the current layer and starts a new one on top of it. */
  public LayerTree startLayer(String description) {
    LayerTree finished = upper;
    lowers.add(finished);
    upper = new LayerTree(description);
    return finished;
  }

  private final Deque<Long> scratchCounts = new ArrayDeque<>();
  /**
   * One instance per distinct meta: the entries of a tree share a handful of modes, owners and mtimes, and a meta
   * per entry was a tenth of what a tree of many small files held. Bounded: past it, metas are kept as given.
   */
  private final Map<Meta, Meta> metas = new HashMap<>();
  private static final int MAX_SHARED_METAS = 4096;

  private Meta shared(Meta meta) {
    Meta known = metas.get(meta);
    if (known != null) {
      return known;
    }
    if (metas.size() < MAX_SHARED_METAS) {
      metas.put(meta, meta);
    }
    return meta;
  }

  /**
   * Starts a layer that {@link #dropScratchLayer} will throw away again, e.g. temporary inputs present only while a
   * build step runs. Unlike {@link #startLayer}, the layer underneath stays the one later writes go to.
   */
  public void startScratchLayer(String description) {
    scratchCounts.push(entryCount);
    lowers.add(upper);
    upper = new LayerTree(description);
  }

  /** Discards the layer {@link #startScratchLayer} started and everything written into it. */
  public void dropScratchLayer() {
    if (scratchCounts.isEmpty()) {
      throw new IllegalStateException("no scratch layer to drop");
    }
    entryCount = scratchCounts.pop();
    upper = lowers.remove(lowers.size() - 1);
  }

  /**
   * Deletes an already resolved path and everything below it from the merged view: removed from the current
   * layer, and hidden by a whiteout only when a lower layer still shows something there.
   */
  public void delete(EntryPath resolved) {
    if (resolved.isRoot()) {
      throw new HostileInputException("a deletion cannot remove the image root");
    }
    upper.removeChildren(resolved);
    upper.remove(resolved);
    if (lookup(resolved) != null || lowerHasBelow(resolved)) {
      // Whiteouts below it would be redundant, and an unpacker may recreate the directory to apply them.
      upper.removeWhiteoutsBelow(resolved);
      upper.addWhiteout(resolved);
      for (WriteListener listener : listeners) {
        listener.whitedOut(resolved);
      }
    }
  }

  /** Whether the merged view shows anything below the already resolved directory {@code dir}. */
  public boolean hasEntriesBelow(EntryPath dir) {
    return upperHasBelow(dir) || lowerHasBelow(dir);
  }

  private boolean upperHasBelow(EntryPath dir) {
    if (dir.isRoot()) {
      return !upper.entries().isEmpty();
    }
    return !upper.entries().subMap(new EntryPath(dir.value() + "/"), true, new EntryPath(dir.value() + "0"), false).isEmpty();
  }

  private boolean lowerHasBelow(EntryPath dir) {
    EntryPath from = new EntryPath(dir.value() + "/");
    EntryPath to = new EntryPath(dir.value() + "0");
    for (LayerTree lower : lowers) {
      for (EntryPath p : lower.entries().subMap(from, true, to, false).keySet()) {
        if (lookup(p) != null) {
          return true;
        }
      }
    }
    return false;
  }

  public LayerTree currentLayer() {
    return upper;
  }

  public List<LayerTree> layers() {
    List<LayerTree> all = new ArrayList<>(lowers);
    all.add(upper);
    return all;
  }

  /** The node at an already resolved path, as the merged file system shows it. */
  public Node lookup(EntryPath resolved) {
    Node n = upper.get(resolved);
    if (n != null || upper.hidesBelow(resolved)) {
      return n;
    }
    for (int i = lowers.size() - 1; i >= 0; i--) {
      n = lowers.get(i).get(resolved);
      if (n != null || lowers.get(i).hidesBelow(resolved)) {
        return n;
      }
    }
    return null;
  }

  /** Whether {@code node}, found in some layer at {@code resolved}, is what the merged file system shows there. */
  public boolean visible(EntryPath resolved, Node node) {
    return lookup(resolved) == node;
  }

  /**
   * An OCI whiteout in a base layer: {@code path} and everything below it disappear from the layers
   * underneath. Resolved inside the image like every other name.
   */
  public void whiteout(EntryPath path) {
    if (path.isRoot()) {
      throw new HostileInputException("a whiteout cannot delete the image root");
    }
    EntryPath resolved = resolveParent(path).child(path.name());
    upper.removeChildren(resolved);
    upper.remove(resolved);
    upper.addWhiteout(resolved);
  }

  /** An OCI opaque directory: what the layers underneath have below {@code dir} is hidden; this layer's own entries stay. */
  public void markOpaque(EntryPath dir) {
    if (dir.isRoot()) {
      upper.addOpaque(EntryPath.ROOT);
      return;
    }
    upper.addOpaque(resolveParent(dir).child(dir.name()));
  }

  public void addDirectory(EntryPath path, Meta meta) {
    if (path.isRoot()) {
      return;
    }
    EntryPath resolved = resolveParent(path).child(path.name());
    Node existing = lookup(resolved);
    if (existing instanceof Node.Symlink link && resolvesToDirectory(resolved, link)) {
      // As dpkg does: a directory entry where a symlink to a directory exists keeps the link
      // (merged /usr), and nothing is applied through it.
      return;
    }
    put(resolved, new Node.Directory(shared(meta)), existing);
  }

  /**
   * Creates the directories missing on the way to {@code dir} (itself included) with {@code meta}, as a Docker COPY
   * gives the directories it creates its owner; existing ones, and links to directories, are left as they are.
   */
  public void addMissingDirectories(EntryPath dir, Meta meta) {
    if (dir.isRoot()) {
      return;
    }
    addMissingDirectories(dir.parent(), meta);
    EntryPath resolved = resolveParent(dir).child(dir.name());
    if (lookup(resolved) == null) {
      put(resolved, new Node.Directory(meta), null);
    }
  }

  public void addFile(EntryPath path, Meta meta, Content content) {
    EntryPath resolved = resolveNonRoot(path, "file");
    put(resolved, new Node.RegularFile(shared(meta), content), lookup(resolved));
  }

  public void addSymlink(EntryPath path, Meta meta, String target) {
    EntryPath resolved = resolveNonRoot(path, "symlink");
    put(resolved, new Node.Symlink(shared(meta), target), lookup(resolved));
  }

  public void addSpecial(EntryPath path, Meta meta, Node.Special.Kind kind, int major, int minor) {
    EntryPath resolved = resolveNonRoot(path, "device");
    put(resolved, new Node.Special(shared(meta), kind, major, minor), lookup(resolved));
  }

  /**
   * A hard link to a regular file already in the image. The target is resolved inside the image; a target
   * that is missing, a directory or a symlink is refused.
   */
  public void addHardlink(EntryPath path, EntryPath target) {
    EntryPath resolvedLink = resolveNonRoot(path, "hardlink");
    if (target.isRoot()) {
      throw new HostileInputException("hardlink " + path + " points at the root");
    }
    EntryPath resolvedTarget = resolveParent(target).child(target.name());
    Node t = lookup(resolvedTarget);
    if (!(t instanceof Node.RegularFile file)) {
      String what = t == null ? "does not exist in the image" : "is not a regular file";
      throw new HostileInputException("hardlink " + path + " -> " + target + ": target " + what);
    }
    if (resolvedTarget.equals(resolvedLink)) {
      throw new HostileInputException("hardlink " + path + " points at itself");
    }
    put(resolvedLink, new Node.RegularFile(file.meta(), file.content()), lookup(resolvedLink));
  }

  /** Resolves a path's parent directories through symlinks inside the image; the last component is kept. */
  public EntryPath resolveParent(EntryPath path) {
    return walk(path.parent().components(), path);
  }

  /** Resolves a path fully (following a final symlink too), as opening it inside the image would. */
  public EntryPath resolveFully(EntryPath path) {
    return walk(path.components(), EntryPath.ROOT, path, true);
  }

  private EntryPath resolveNonRoot(EntryPath path, String kind) {
    if (path.isRoot()) {
      throw new HostileInputException(kind + " entry names the image root ('.', '/' or empty)");
    }
    return resolveParent(path).child(path.name());
  }

  private boolean resolvesToDirectory(EntryPath at, Node.Symlink link) {
    try {
      return lookup(walk(List.of(at.name()), at.parent(), at)) instanceof Node.Directory;
    } catch (HostileInputException e) {
      return false;
    }
  }

  private EntryPath walk(List<String> components, EntryPath forMessages) {
    return walk(components, EntryPath.ROOT, forMessages, false);
  }

  private EntryPath walk(List<String> components, EntryPath start, EntryPath forMessages) {
    return walk(components, start, forMessages, false);
  }

  /** With {@code lastMayBeFile}, the final component may be a file or device (opening it, not placing below it). */
  private EntryPath walk(List<String> components, EntryPath start, EntryPath forMessages, boolean lastMayBeFile) {
    Deque<String> todo = new ArrayDeque<>(components);
    EntryPath current = start;
    int depth = start.components().size();
    int hops = 0;
    while (!todo.isEmpty()) {
      String c = todo.removeFirst();
      if (c.isEmpty() || c.equals(".")) {
        continue;
      }
      if (c.equals("..")) {
        if (!current.isRoot()) {
          depth--;
        }
        current = current.parent();
        continue;
      }
      EntryPath next = current.child(c);
      // Links can stack long targets on top of each other: stop before a path grows without bound.
      if (++depth > EntryPath.MAX_DEPTH || next.value().length() > EntryPath.MAX_PATH_BYTES) {
        throw new HostileInputException("resolving " + forMessages + " through symbolic links leads deeper than "
            + EntryPath.MAX_DEPTH + " levels or longer than " + EntryPath.MAX_PATH_BYTES + " bytes");
      }
      Node node = lookup(next);
      if (node instanceof Node.Symlink link) {
        if (++hops > MAX_LINK_HOPS) {
          throw new HostileInputException("too many levels of symbolic links resolving " + forMessages + " (loop at " + next + ")");
        }
        String target = link.target();
        if (target.startsWith("/")) {
          current = EntryPath.ROOT;
          depth = 0;
        } else {
          depth--;
        }
        String[] parts = target.split("/");
        for (int i = parts.length - 1; i >= 0; i--) {
          todo.addFirst(parts[i]);
        }
      } else if (node == null || node instanceof Node.Directory || (lastMayBeFile && todo.isEmpty())) {
        current = next;
      } else {
        throw new HostileInputException("cannot place " + forMessages + ": " + next + " is not a directory");
      }
    }
    return current;
  }

  /** Told about every entry written into the current layer, with what it replaces (or null). */
  public interface WriteListener {
    void written(EntryPath resolved, Node node, Node replaced);

    /** {@code resolved} was deleted from the layers below with a whiteout in the current layer. */
    default void whitedOut(EntryPath resolved) {}
  }

  private final List<WriteListener> listeners = new java.util.ArrayList<>();

  /** Observes writes, e.g. to track which package owns which path, until {@link #stopListening}. */
  public void listen(WriteListener listener) {
    listeners.add(java.util.Objects.requireNonNull(listener, "listener"));
  }

  public void stopListening(WriteListener listener) {
    listeners.remove(listener);
  }

  private void put(EntryPath resolved, Node node, Node existing) {
    if (resolved.isRoot()) {
      return;
    }
    checkPlaceable(resolved);
    for (WriteListener listener : listeners) {
      listener.written(resolved, node, existing);
    }
    if (existing == null && ++entryCount > maxEntries) {
      throw new HostileInputException("more than " + maxEntries + " entries in the image (at " + resolved + ")");
    }
    ensureParents(resolved.parent());
    if (!(node instanceof Node.Directory) && existing instanceof Node.Directory) {
      upper.removeChildren(resolved);
    }
    upper.put(resolved, node);
  }

  private static void checkPlaceable(EntryPath resolved) {
    if (Whiteout.isWhiteoutName(resolved.name())) {
      throw new HostileInputException("name '" + EntryPath.printable(resolved.name()) + "' at " + resolved
          + " is reserved for layer whiteouts");
    }
    if (resolved.value().getBytes(StandardCharsets.UTF_8).length > EntryPath.MAX_PATH_BYTES
        || resolved.components().size() > EntryPath.MAX_DEPTH) {
      throw new HostileInputException("resolved path " + EntryPath.printable(resolved.toString())
          + " is longer than " + EntryPath.MAX_PATH_BYTES + " bytes or deeper than " + EntryPath.MAX_DEPTH + " levels");
    }
  }

  /** Missing parents of a resolved path are created as plain directories (0755, root-owned). */
  private void ensureParents(EntryPath dir) {
    if (dir.isRoot() || lookup(dir) != null) {
      return;
    }
    ensureParents(dir.parent());
    checkPlaceable(dir);
    if (++entryCount > maxEntries) {
      throw new HostileInputException("more than " + maxEntries + " entries in the image (at " + dir + ")");
    }
    upper.put(dir, new Node.Directory(implicitDirectoryMeta));
  }
}

package dev.sealbuild.builder.fs;

import java.util.Collections;
import java.util.NavigableMap;
import java.util.TreeMap;

/** The entries one layer adds or replaces, keyed by resolved path in tar order. */
public final class LayerTree {
  private final String description;
  private final TreeMap<EntryPath, Node> entries = new TreeMap<>();
  private final java.util.TreeSet<EntryPath> whiteouts = new java.util.TreeSet<>();
  private final java.util.Set<EntryPath> opaqueDirectories = new java.util.TreeSet<>();

  public LayerTree(String description) {
    this.description = description;
  }

  public String description() {
    return description;
  }

  public NavigableMap<EntryPath, Node> entries() {
    return Collections.unmodifiableNavigableMap(entries);
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** Paths this layer deletes from the layers below it (OCI {@code .wh.NAME}). */
  public java.util.Set<EntryPath> whiteouts() {
    return java.util.Collections.unmodifiableSet(whiteouts);
  }

  /** Directories whose lower contents this layer hides (OCI {@code .wh..wh..opq}). */
  public java.util.Set<EntryPath> opaqueDirectories() {
    return java.util.Collections.unmodifiableSet(opaqueDirectories);
  }

  void addWhiteout(EntryPath path) {
    whiteouts.add(path);
  }

  /** Drops the whiteouts below {@code dir} (a whiteout of {@code dir} itself hides all of them). */
  void removeWhiteoutsBelow(EntryPath dir) {
    // "dir/" .. "dir0" covers exactly the paths below dir, as in removeChildren.
    whiteouts.subSet(new EntryPath(dir.value() + "/"), true, new EntryPath(dir.value() + "0"), false)
        .clear();
  }

  void addOpaque(EntryPath dir) {
    opaqueDirectories.add(dir);
  }

  /** Whether this layer hides {@code path} of the layers below: it, or a directory above it, is whited out or opaque. */
  boolean hidesBelow(EntryPath path) {
    if (whiteouts.isEmpty() && opaqueDirectories.isEmpty()) {
      return false;
    }
    if (whiteouts.contains(path) || (!path.isRoot() && opaqueDirectories.contains(EntryPath.ROOT))) {
      return true;
    }
    for (EntryPath p = path.parent(); !p.isRoot(); p = p.parent()) {
      if (whiteouts.contains(p) || opaqueDirectories.contains(p)) {
        return true;
      }
    }
    return false;
  }

  Node get(EntryPath path) {
    return entries.get(path);
  }

  void put(EntryPath path, Node node) {
    entries.put(path, node);
  }

  void remove(EntryPath path) {
    entries.remove(path);
  }

  /** Drops everything below {@code dir} (not {@code dir} itself). */
  void removeChildren(EntryPath dir) {
    if (dir.isRoot()) {
      entries.clear();
      return;
    }
    // "dir/" .. "dir0" covers exactly the paths below dir in UTF-8 byte order ('/' + 1 == '0').
    entries.subMap(new EntryPath(dir.value() + "/"), true, new EntryPath(dir.value() + "0"), false).clear();
  }
}

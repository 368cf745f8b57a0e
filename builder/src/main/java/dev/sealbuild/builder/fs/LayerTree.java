package dev.sealbuild.builder.fs;

import java.util.Collections;
import java.util.NavigableMap;
import java.util.TreeMap;

/** The entries one layer adds or replaces, keyed by resolved path in tar order. */
public final class LayerTree {
  private final String description;
  private final TreeMap<EntryPath, Node> entries = new TreeMap<>();

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

  Node get(EntryPath path) {
    return entries.get(path);
  }

  void put(EntryPath path, Node node) {
    entries.put(path, node);
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

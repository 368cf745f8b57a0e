package dev.sealbuild.builder.stage;

import dev.sealbuild.builder.fs.EntryPath;
import dev.sealbuild.builder.fs.ImageTree;
import dev.sealbuild.builder.fs.LayerTree;
import dev.sealbuild.builder.fs.Node;
import java.util.NavigableMap;
import java.util.TreeMap;

/** What an {@link ImageTree}'s merged file system shows below a directory, layers and whiteouts applied. */
final class MergedView {
  private MergedView() {}

  /** Every visible path strictly below {@code dir} (resolved), in tar order. */
  static NavigableMap<EntryPath, Node> below(ImageTree tree, EntryPath dir) {
    NavigableMap<EntryPath, Node> out = new TreeMap<>();
    for (LayerTree layer : tree.layers()) {
      NavigableMap<EntryPath, Node> entries = dir.isRoot() ? layer.entries()
          : layer.entries().subMap(new EntryPath(dir.value() + "/"), true, new EntryPath(dir.value() + "0"), false);
      for (var e : entries.entrySet()) {
        if (!out.containsKey(e.getKey()) && tree.visible(e.getKey(), e.getValue())) {
          out.put(e.getKey(), e.getValue());
        }
      }
    }
    return out;
  }
}

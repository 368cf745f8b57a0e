package dev.sealbuild.builder.step;

import dev.sealbuild.builder.fs.EntryPath;
import dev.sealbuild.builder.fs.ImageTree;
import dev.sealbuild.builder.fs.Node;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What one build step changed, in path order: added or changed entries (their contents in the build's spool, so
 * their sha256 is known) and deleted paths ({@code node} null; the topmost deleted path only, its subtree goes
 * with it). Two runs of a reproducible step give equal change sets.
 */
public record ChangeSet(List<Change> changes) {
  public record Change(EntryPath path, Node node) {
    public boolean deleted() {
      return node == null;
    }
  }

  public ChangeSet {
    List<Change> sorted = new ArrayList<>(changes);
    sorted.sort(Comparator.comparing(Change::path));
    changes = List.copyOf(sorted);
  }

  /**
   * One line per change, {@code path type mode uid:gid mtime detail} (detail: the sha256 of a file, the target of a
   * link, {@code deleted}): what a step cache or a reproducibility check compares.
   */
  public List<String> describe() throws java.io.IOException {
    List<String> lines = new ArrayList<>();
    for (Change c : changes) {
      Node n = c.node();
      if (n == null) {
        lines.add(c.path() + " deleted");
        continue;
      }
      String type;
      String detail;
      if (n instanceof Node.RegularFile f) {
        type = "file";
        java.util.Optional<dev.sealbuild.formats.digest.Sha256> known = f.content().knownDigest();
        if (known.isPresent()) {
          detail = known.get().toString();
        } else {
          try (java.io.InputStream in = f.content().open()) {
            detail = dev.sealbuild.formats.digest.Sha256.hash(in).toString();
          }
        }
      } else if (n instanceof Node.Symlink s) {
        type = "symlink";
        detail = "-> " + s.target();
      } else {
        type = n instanceof Node.Directory ? "dir" : "special";
        detail = "";
      }
      lines.add(c.path() + " " + type + " " + String.format("%04o", n.meta().mode()) + " " + n.meta().uid() + ":"
          + n.meta().gid() + " " + n.meta().mtime() + (detail.isEmpty() ? "" : " " + detail));
    }
    return lines;
  }

  public boolean isEmpty() {
    return changes.isEmpty();
  }

  /**
   * Applies the changes to the tree's current layer: deletions first remove the path there and leave a whiteout only
   * when a lower layer holds it; entries are put at their (already resolved) paths, replacing what was there.
   * Regular files that share one content stay hard links.
   */
  public void applyTo(ImageTree tree) {
    for (Change c : changes) {
      Node now = tree.lookup(c.path());
      if (c.deleted()) {
        tree.delete(c.path());
      } else if (now instanceof Node.Directory && !(c.node() instanceof Node.Directory)) {
        // A directory replaced by something else: its old contents must go from the lower layers too.
        tree.delete(c.path());
      }
    }
    for (Change c : changes) {
      Node n = c.node();
      if (n instanceof Node.Directory) {
        Node now = tree.lookup(c.path());
        if (now instanceof Node.Symlink) {
          tree.delete(c.path());
        }
        tree.addDirectory(c.path(), n.meta());
      } else if (n instanceof Node.RegularFile f) {
        tree.addFile(c.path(), f.meta(), f.content());
      } else if (n instanceof Node.Symlink s) {
        tree.addSymlink(c.path(), s.meta(), s.target());
      }
    }
  }
}

package dev.sealbuild.builder.deb;

import dev.sealbuild.builder.fs.EntryPath;
import dev.sealbuild.formats.HostileInputException;
import dev.sealbuild.builder.fs.ImageTree;
import dev.sealbuild.builder.fs.Node;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiPredicate;

/**
 * Which package put which path into the image, so that two packages shipping the same path with
 * different content fail (naming both), unless the later one declares {@code Replaces} on the earlier,
 * as dpkg would allow.
 */
final class FileClaims implements ImageTree.WriteListener {
  private final NavigableMap<EntryPath, String> owners = new TreeMap<>();
  private final BiPredicate<String, String> replaces;
  private String current;

  /** {@code replaces.test(a, b)}: package a declares Replaces on package b. */
  FileClaims(BiPredicate<String, String> replaces) {
    this.replaces = replaces;
  }

  void installing(String packageName) {
    this.current = packageName;
  }

  /** Records a path an earlier install already gave to {@code packageName} (from the image's dpkg records). */
  void claim(EntryPath path, String packageName) {
    owners.putIfAbsent(path, packageName);
  }

  @Override
  public void written(EntryPath path, Node node, Node replaced) {
    if (current == null || node instanceof Node.Directory) {
      return;
    }
    if (replaced instanceof Node.Directory) {
      dropDirectory(path);
    }
    String previous = owners.put(path, current);
    if (previous == null || previous.equals(current) || replaced == null || same(node, replaced)) {
      return;
    }
    if (!replaces.test(current, previous)) {
      throw new HostileInputException("packages " + previous + " and " + current + " both ship " + path
          + " with different content, and " + current + " does not declare Replaces: " + previous
          + "; exclude one of them");
    }
  }

  /**
   * A file or link in place of a directory removes what is below it: refused when that is another package's
   * (dpkg: "trying to overwrite directory with nondirectory"), unless the current package replaces it.
   */
  private void dropDirectory(EntryPath dir) {
    Map<EntryPath, String> below = owners.subMap(new EntryPath(dir.value() + "/"), true, new EntryPath(dir.value() + "0"), false);
    for (Map.Entry<EntryPath, String> e : below.entrySet()) {
      String other = e.getValue();
      if (!other.equals(current) && !replaces.test(current, other)) {
        throw new HostileInputException("packages " + other + " and " + current + ": " + current + " ships " + dir
            + " as a file or link, where " + other + " has " + e.getKey() + "; exclude one of them");
      }
    }
    below.clear();
  }

  private static boolean same(Node a, Node b) {
    if (a instanceof Node.Symlink x && b instanceof Node.Symlink y) {
      return x.target().equals(y.target());
    }
    if (a instanceof Node.RegularFile x && b instanceof Node.RegularFile y) {
      if (x.content() == y.content()) {
        return true;
      }
      return x.content().size() == y.content().size() && x.content().knownDigest().isPresent()
          && Objects.equals(x.content().knownDigest(), y.content().knownDigest());
    }
    return false;
  }

  Set<EntryPath> paths() {
    return owners.keySet();
  }
}

package dev.sealbuild.builder.apk;

import dev.sealbuild.builder.fs.EntryPath;
import dev.sealbuild.builder.fs.ImageTree;
import dev.sealbuild.builder.fs.Node;
import dev.sealbuild.formats.HostileInputException;
import dev.sealbuild.lockfiles.lock.RemovedPackage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The base's packages a lock removes, as apk purges them: their stanzas leave {@code lib/apk/db/installed} before
 * anything is installed (so a package that takes their place owns their files as a new file), and once the new
 * packages are in, each file and directory their stanzas listed goes from the image unless the final database still
 * lists it (a package that stays, or one just installed, owns it); a directory goes only when it is empty. Maintainer
 * scripts ({@code pre-deinstall}, {@code post-deinstall}) are not run, as no script runs on install either.
 */
final class BaseRemoval {
  /** One removed stanza: what it owned, by path from the image root. */
  private record Removed(String name, String version, String checksum, List<EntryPath> files, List<EntryPath> directories) {}

  /** What a whole database lists. */
  private record Owned(Set<EntryPath> files, Set<EntryPath> directories) {}

  private final String keptDb;
  private final List<Removed> removed;

  private BaseRemoval(String keptDb, List<Removed> removed) {
    this.keptDb = keptDb;
    this.removed = List.copyOf(removed);
  }

  /**
   * Splits a database ({@link InstalledDb#terminated} text) into the stanzas that stay and those {@code remove} names; each
   * removed name and version must be in it.
   */
  static BaseRemoval of(String db, List<RemovedPackage> remove) {
    if (remove.isEmpty()) {
      return new BaseRemoval(db, List.of());
    }
    StringBuilder kept = new StringBuilder();
    List<Removed> removed = new ArrayList<>();
    Set<String> wanted = new HashSet<>();
    remove.forEach(r -> wanted.add(r.name() + " " + r.version()));
    for (String stanza : db.split("\n\n")) {
      if (stanza.isBlank()) {
        continue;
      }
      Removed parsed = parse(stanza);
      if (parsed != null && wanted.remove(parsed.name() + " " + parsed.version())) {
        removed.add(parsed);
      } else {
        kept.append(stanza).append("\n\n");
      }
    }
    if (!wanted.isEmpty()) {
      String missing = wanted.stream().sorted().findFirst().orElseThrow();
      throw new HostileInputException("the lock removes " + ApkText.printable(missing) + " from the base, but the base's"
          + " lib/apk/db/installed does not have it; run build lock again");
    }
    return new BaseRemoval(kept.toString(), removed);
  }

  /** The database without the removed stanzas. */
  String keptDb() {
    return keptDb;
  }

  Set<String> checksums() {
    Set<String> checksums = new HashSet<>();
    removed.forEach(r -> checksums.add(r.checksum()));
    return checksums;
  }

  /** Deletes what the removed packages owned and {@code finalDb} no longer lists; directories deepest first, if empty. */
  void deleteUnowned(ImageTree tree, String finalDb) {
    if (removed.isEmpty()) {
      return;
    }
    Owned owned = owned(finalDb);
    Set<EntryPath> ownedFiles = owned.files();
    Set<EntryPath> ownedDirs = owned.directories();
    Set<EntryPath> dirs = new LinkedHashSet<>();
    for (Removed r : removed) {
      for (EntryPath file : r.files()) {
        if (!ownedFiles.contains(file)) {
          EntryPath resolved = tree.resolveParent(file).child(file.name());
          Node node = tree.lookup(resolved);
          if (node != null && !(node instanceof Node.Directory)) {
            tree.delete(resolved);
          }
        }
      }
      r.directories().stream().filter(d -> !d.isRoot() && !ownedDirs.contains(d)).forEach(dirs::add);
    }
    List<EntryPath> deepestFirst = new ArrayList<>(dirs);
    deepestFirst.sort(Comparator.comparingInt((EntryPath d) -> d.components().size()).reversed()
        .thenComparing(EntryPath::value));
    for (EntryPath dir : deepestFirst) {
      EntryPath resolved = tree.resolveParent(dir).child(dir.name());
      if (tree.lookup(resolved) instanceof Node.Directory && !tree.hasEntriesBelow(resolved)) {
        tree.delete(resolved);
      }
    }
  }

  /** A stanza's name, version, checksum and the files ({@code F:} + {@code R:}) and directories ({@code F:}) it lists. */
  private static Removed parse(String stanza) {
    String name = null;
    String version = null;
    String checksum = null;
    List<EntryPath> files = new ArrayList<>();
    List<EntryPath> dirs = new ArrayList<>();
    EntryPath dir = EntryPath.ROOT;
    for (String line : stanza.split("\n")) {
      if (line.length() < 2 || line.charAt(1) != ':') {
        continue;
      }
      String value = line.substring(2);
      switch (line.charAt(0)) {
        case 'P' -> name = value;
        case 'V' -> version = value;
        case 'C' -> checksum = value;
        case 'F' -> {
          dir = parseOrRoot(value);
          dirs.add(dir);
        }
        case 'R' -> {
          EntryPath file = parseOrRoot(value);
          if (!file.isRoot()) {
            files.add(dir.resolve(file));
          }
        }
        default -> { }
      }
    }
    return name == null || version == null ? null : new Removed(name, version, checksum, files, dirs);
  }

  /** Every file and directory a whole database lists. */
  private static Owned owned(String db) {
    Set<EntryPath> files = new HashSet<>();
    Set<EntryPath> dirs = new HashSet<>();
    for (String stanza : db.split("\n\n")) {
      Removed r = parse(stanza);
      if (r != null) {
        files.addAll(r.files());
        dirs.addAll(r.directories());
      }
    }
    return new Owned(files, dirs);
  }

  private static EntryPath parseOrRoot(String value) {
    try {
      return EntryPath.parse(value);
    } catch (HostileInputException e) {
      return EntryPath.ROOT;
    }
  }
}

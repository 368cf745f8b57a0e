package dev.sealbuild.builder.apk;

import dev.sealbuild.formats.apk.ApkRecords;
import dev.sealbuild.formats.apk.PkgInfo;
import dev.sealbuild.builder.fs.EntryPath;
import dev.sealbuild.formats.HostileInputException;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which package owns which file, and apk's rule when a package brings a file another one owns: the same
 * package or origin, or a package that {@code replaces} the owner (at a priority no lower than the owner
 * replacing it), takes the file over; a file of an owner that replaces the newcomer is kept and the new
 * one skipped; anything else is a conflict. Files of no package (busybox links) are simply overwritten.
 */
final class FileOwners {
  enum Decision { PLACE, SKIP }

  private record Owner(String name, String origin, List<String> replaces, long replacesPriority) {}

  private final Map<EntryPath, String> owners = new HashMap<>();
  private final Map<String, Owner> packages = new HashMap<>();
  private final Map<String, Set<EntryPath>> taken = new HashMap<>();

  /** The files of every stanza of an installed database. */
  static FileOwners fromDb(String db) {
    FileOwners owners = new FileOwners();
    for (ApkRecords.Record record : ApkRecords.parse(db, "the image's lib/apk/db/installed")) {
      String name = null;
      String origin = "";
      List<String> replaces = List.of();
      long priority = 0;
      EntryPath dir = EntryPath.ROOT;
      for (ApkRecords.Field field : record.fields()) {
        String value = field.value();
        switch (field.key()) {
          case 'P' -> name = value;
          case 'o' -> origin = value;
          case 'r' -> replaces = List.of(value.trim().split("\\s+"));
          case 'q' -> priority = value.matches("[0-9]{1,9}") ? Long.parseLong(value) : 0;
          case 'F' -> dir = parseOrRoot(value);
          case 'R' -> {
            if (name != null) {
              owners.owners.put(dir.resolve(parseOrRoot(value)), name);
            }
          }
          default -> { }
        }
      }
      if (name != null) {
        owners.packages.put(name, new Owner(name, origin, replaces, priority));
      }
    }
    return owners;
  }

  /** A package about to be installed. */
  void add(PkgInfo info) {
    packages.put(info.name(), owner(info));
  }

  /** What to do with {@code path} that {@code info}'s package brings; the file changes owner when placed. */
  Decision claim(EntryPath path, PkgInfo info) {
    String current = owners.get(path);
    if (current == null || current.equals(info.name())) {
      owners.put(path, info.name());
      return Decision.PLACE;
    }
    Owner old = packages.get(current);
    Owner now = owner(info);
    if (!now.origin().isEmpty() && now.origin().equals(old.origin())) {
      return takeOver(path, current, info.name());
    }
    long oldPriority = replaces(old, now.name()) ? old.replacesPriority() : -1;
    long newPriority = replaces(now, old.name()) ? now.replacesPriority() : -1;
    if (oldPriority > newPriority) {
      return Decision.SKIP;
    }
    if (newPriority >= 0) {
      return takeOver(path, current, info.name());
    }
    throw new HostileInputException("file " + path + " is also in package " + current + ", and neither package replaces the other"
        + " (apk refuses to overwrite it); drop one of them from the spec");
  }

  /** Files a package lost to a later one: its database record no longer lists them. */
  Set<EntryPath> taken(String name) {
    return taken.getOrDefault(name, Set.of());
  }

  private Decision takeOver(EntryPath path, String from, String to) {
    taken.computeIfAbsent(from, k -> new LinkedHashSet<>()).add(path);
    owners.put(path, to);
    return Decision.PLACE;
  }

  private static boolean replaces(Owner owner, String name) {
    for (String dep : owner.replaces()) {
      int end = 0;
      while (end < dep.length() && "=<>~".indexOf(dep.charAt(end)) < 0) {
        end++;
      }
      if (dep.substring(0, end).equals(name)) {
        return true;
      }
    }
    return false;
  }

  private static Owner owner(PkgInfo info) {
    String priority = info.get("replaces_priority");
    return new Owner(info.name(), info.get("origin"), info.list("replaces"),
        priority.matches("[0-9]{1,9}") ? Long.parseLong(priority) : 0);
  }

  private static EntryPath parseOrRoot(String value) {
    try {
      return EntryPath.parse(value);
    } catch (HostileInputException e) {
      return EntryPath.ROOT;
    }
  }
}

package dev.sealbuild.builder.apk;

import dev.sealbuild.formats.apk.ApkRecords;
import dev.sealbuild.formats.apk.PkgInfo;
import dev.sealbuild.builder.fs.EntryPath;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * apk's database of installed packages ({@code /lib/apk/db/installed}), one stanza per package as apk-tools
 * 2.x writes it: the index fields (C P V A S I T U L o m t c k D p i), the install fields (r q), then each
 * directory the package owns ({@code F:}, with {@code M:uid:gid:mode} unless root:root 0755) followed by
 * its files ({@code R:}, with {@code a:uid:gid:mode} unless root:root 0644, and {@code Z:} checksum), in
 * archive order, and a blank line.
 */
final class InstalledDb {
  private static final int DEFAULT_DIR_MODE = 0755;
  private static final int DEFAULT_FILE_MODE = 0644;
  private static final String SOURCE = "the image's lib/apk/db/installed";

  private InstalledDb() {}

  /**
   * One package's stanza.
   *
   * @param checksum the {@code Q1} checksum of the package's control segment (the index's {@code C:})
   * @param fileSize size of the .apk file (the index's {@code S:})
   */
  static String stanza(PkgInfo info, String checksum, long fileSize, List<ApkArchive.DbEntry> entries) {
    StringBuilder b = new StringBuilder();
    line(b, "C", checksum);
    line(b, "P", info.name());
    line(b, "V", info.version());
    optional(b, "A", info.get("arch"));
    line(b, "S", Long.toString(fileSize));
    line(b, "I", number(info.get("size")));
    line(b, "T", info.get("pkgdesc"));
    line(b, "U", info.get("url"));
    line(b, "L", info.get("license"));
    optional(b, "o", info.get("origin"));
    optional(b, "m", info.get("maintainer"));
    optional(b, "t", nonZero(info.get("builddate")));
    optional(b, "c", info.get("commit"));
    optional(b, "k", nonZero(info.get("provider_priority")));
    optional(b, "D", String.join(" ", info.list("depend")));
    optional(b, "p", String.join(" ", info.list("provides")));
    optional(b, "i", String.join(" ", info.list("install_if")));
    optional(b, "r", String.join(" ", info.list("replaces")));
    optional(b, "q", nonZero(info.get("replaces_priority")));
    for (Map.Entry<EntryPath, Dir> e : directories(entries).entrySet()) {
      line(b, "F", e.getKey().value());
      Dir dir = e.getValue();
      if (dir.mode != DEFAULT_DIR_MODE || dir.uid != 0 || dir.gid != 0) {
        line(b, "M", acl(dir.uid, dir.gid, dir.mode));
      }
      for (ApkArchive.DbEntry f : dir.files) {
        line(b, "R", f.path().name());
        if (f.mode() != DEFAULT_FILE_MODE || f.uid() != 0 || f.gid() != 0) {
          line(b, "a", acl(f.uid(), f.gid(), f.mode()));
        }
        optional(b, "Z", f.checksum());
      }
    }
    return b.append('\n').toString();
  }

  /** The package names of a database's stanzas ({@code P:}), in order. */
  static List<String> packageNames(String db) {
    List<String> names = new ArrayList<>();
    for (ApkRecords.Record record : ApkRecords.parse(db, SOURCE)) {
      names.addAll(record.all('P'));
    }
    return names;
  }

  /**
   * A database with the files other packages took over removed from their former owners' stanzas: the
   * {@code R:} line with its {@code a:} and {@code Z:} lines, as apk drops them when ownership moves.
   */
  static String withoutFiles(String db, java.util.function.Function<String, java.util.Set<EntryPath>> taken) {
    if (db.isEmpty()) {
      return db;
    }
    StringBuilder out = new StringBuilder();
    String name = null;
    EntryPath dir = EntryPath.ROOT;
    boolean dropping = false;
    for (String line : db.split("\n", -1)) {
      if (line.isEmpty()) {
        name = null;
        dropping = false;
      } else if (line.startsWith("P:")) {
        name = line.substring(2);
      } else if (line.startsWith("F:")) {
        dir = parseOrRoot(line.substring(2));
        dropping = false;
      } else if (line.startsWith("R:")) {
        dropping = name != null && taken.apply(name).contains(dir.resolve(parseOrRoot(line.substring(2))));
      } else if (!line.startsWith("a:") && !line.startsWith("Z:")) {
        dropping = false;
      }
      if (!dropping) {
        out.append(line).append('\n');
      }
    }
    // split with -1 keeps a final empty string for the trailing newline; do not add one more
    out.setLength(out.length() - 1);
    return out.toString();
  }

  private static EntryPath parseOrRoot(String value) {
    try {
      return EntryPath.parse(value);
    } catch (dev.sealbuild.formats.HostileInputException e) {
      return EntryPath.ROOT;
    }
  }

  /** The control checksums of a database's stanzas ({@code C:}), in order. */
  static List<String> checksums(String db) {
    List<String> checksums = new ArrayList<>();
    for (ApkRecords.Record record : ApkRecords.parse(db, SOURCE)) {
      checksums.addAll(record.all('C'));
    }
    return checksums;
  }

  /** A database's text made to end with a blank line, so that a stanza can follow. */
  static String terminated(String db) {
    if (db == null || db.isBlank()) {
      return "";
    }
    String t = db.endsWith("\n") ? db : db + "\n";
    return t.endsWith("\n\n") ? t : t + "\n";
  }

  private static final class Dir {
    int mode = DEFAULT_DIR_MODE;
    long uid;
    long gid;
    final List<ApkArchive.DbEntry> files = new ArrayList<>();
  }

  /** Directories in the order apk first meets them (their own entry, or a file inside), each with its files. */
  private static Map<EntryPath, Dir> directories(List<ApkArchive.DbEntry> entries) {
    Map<EntryPath, Dir> dirs = new LinkedHashMap<>();
    for (ApkArchive.DbEntry e : entries) {
      if (e.directory()) {
        Dir d = dirs.computeIfAbsent(e.path(), p -> new Dir());
        d.mode = e.mode();
        d.uid = e.uid();
        d.gid = e.gid();
      } else {
        dirs.computeIfAbsent(e.path().parent(), p -> new Dir()).files.add(e);
      }
    }
    return dirs;
  }

  private static String acl(long uid, long gid, int mode) {
    return uid + ":" + gid + ":" + Integer.toOctalString(mode);
  }

  private static String number(String value) {
    return value.matches("[0-9]{1,19}") ? Long.toString(Long.parseLong(value)) : "0";
  }

  private static String nonZero(String value) {
    String n = number(value);
    return n.equals("0") ? "" : n;
  }

  private static void line(StringBuilder b, String field, String value) {
    b.append(field).append(':').append(value).append('\n');
  }

  private static void optional(StringBuilder b, String field, String value) {
    if (value != null && !value.isEmpty()) {
      line(b, field, value);
    }
  }
}

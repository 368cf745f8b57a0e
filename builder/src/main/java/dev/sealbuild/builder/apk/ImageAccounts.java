package dev.sealbuild.builder.apk;

import dev.sealbuild.builder.fs.EntryPath;
import dev.sealbuild.builder.fs.ImageTree;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * User and group names of the image ({@code /etc/passwd}, {@code /etc/group}), by which apk maps a
 * package's owners: a name the image knows gets the image's id, any other keeps the archive's number.
 */
final class ImageAccounts {
  private static final int MAX_BYTES = 4 << 20;
  private final Map<String, Long> users;
  private final Map<String, Long> groups;

  ImageAccounts(Map<String, Long> users, Map<String, Long> groups) {
    this.users = Map.copyOf(users);
    this.groups = Map.copyOf(groups);
  }

  static ImageAccounts of(ImageTree tree) throws IOException {
    return new ImageAccounts(ids(ImageFiles.read(tree, EntryPath.parse("etc/passwd"), MAX_BYTES)),
        ids(ImageFiles.read(tree, EntryPath.parse("etc/group"), MAX_BYTES)));
  }

  long uid(String name, long fallback) {
    return name == null || name.isEmpty() ? fallback : users.getOrDefault(name, fallback);
  }

  long gid(String name, long fallback) {
    return name == null || name.isEmpty() ? fallback : groups.getOrDefault(name, fallback);
  }

  private static Map<String, Long> ids(String file) {
    Map<String, Long> ids = new HashMap<>();
    if (file == null) {
      return ids;
    }
    for (String line : file.split("\n")) {
      String[] f = line.split(":", -1);
      if (f.length >= 3 && !f[0].isEmpty() && f[2].matches("[0-9]{1,9}")) {
        ids.putIfAbsent(f[0], Long.parseLong(f[2]));
      }
    }
    return ids;
  }
}

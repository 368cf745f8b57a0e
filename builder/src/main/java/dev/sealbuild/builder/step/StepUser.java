package dev.sealbuild.builder.step;

import dev.sealbuild.builder.accounts.AccountTables;
import dev.sealbuild.builder.fs.EntryPath;
import dev.sealbuild.builder.fs.ImageTree;
import dev.sealbuild.builder.fs.Node;
import dev.sealbuild.formats.HostileInputException;
import dev.sealbuild.formats.UserError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The uid, gid and home directory a step runs as, from its {@code user} ({@code uid[:gid]} or names) and the
 * image's own {@code /etc/passwd} and {@code /etc/group}, read from the tree with a size cap, never executed or
 * loaded (no NSS).
 */
record StepUser(long uid, long gid, String home) {
  static final long MAX_ID = 65535;

  static StepUser resolve(String user, ImageTree tree, String forMessages) throws IOException {
    List<String[]> passwd = table(tree, "etc/passwd");
    if (user == null || user.isBlank()) {
      return new StepUser(0, 0, home(passwd, 0));
    }
    String[] parts = user.split(":", 2);
    long uid;
    Long primaryGid = null;
    if (parts[0].chars().allMatch(Character::isDigit) && !parts[0].isEmpty()) {
      uid = id(parts[0], user, forMessages);
      for (String[] f : passwd) {
        if (f.length >= 4 && f[2].equals(String.valueOf(uid))) {
          primaryGid = parseOr(f[3]);
          break;
        }
      }
    } else {
      String[] entry = passwd.stream().filter(f -> f.length >= 4 && f[0].equals(parts[0])).findFirst()
          .orElseThrow(() -> new UserError(forMessages + ": user '" + parts[0] + "' is not in the image's /etc/passwd; "
              + "add the account or give a numeric uid[:gid]"));
      uid = id(entry[2], user, forMessages);
      primaryGid = parseOr(entry[3]);
    }
    long gid;
    if (parts.length == 2) {
      if (parts[1].chars().allMatch(Character::isDigit) && !parts[1].isEmpty()) {
        gid = id(parts[1], user, forMessages);
      } else {
        String[] group = table(tree, "etc/group").stream().filter(f -> f.length >= 3 && f[0].equals(parts[1]))
            .findFirst().orElseThrow(() -> new UserError(forMessages + ": group '" + parts[1]
                + "' is not in the image's /etc/group; add the group or give a numeric gid"));
        gid = id(group[2], user, forMessages);
      }
    } else {
      gid = primaryGid == null ? 0 : primaryGid;
    }
    if (gid > MAX_ID) {
      throw new UserError(forMessages + ": user '" + user + "' has gid " + gid + ", above " + MAX_ID);
    }
    return new StepUser(uid, gid, home(passwd, uid));
  }

  private static long id(String text, String user, String forMessages) {
    try {
      long v = Long.parseLong(text);
      if (v >= 0 && v <= MAX_ID) {
        return v;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new UserError(forMessages + ": user '" + user + "' is not a uid[:gid] from 0 to " + MAX_ID
        + " or an account of the image");
  }

  private static Long parseOr(String text) {
    try {
      long v = Long.parseLong(text);
      return v >= 0 && v <= MAX_ID ? v : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static String home(List<String[]> passwd, long uid) {
    for (String[] f : passwd) {
      if (f.length >= 6 && f[2].equals(String.valueOf(uid)) && f[5].startsWith("/")) {
        return f[5];
      }
    }
    return "/root";
  }

  private static List<String[]> table(ImageTree tree, String path) throws IOException {
    return AccountTables.table(tree, path);
  }

}

package dev.sealbuild.builder.accounts;

import dev.sealbuild.builder.fs.EntryPath;
import dev.sealbuild.builder.fs.ImageTree;
import dev.sealbuild.builder.fs.Node;
import dev.sealbuild.formats.HostileInputException;
import dev.sealbuild.formats.UserError;
import dev.sealbuild.lockfiles.spec.Owner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The image's own {@code /etc/passwd} and {@code /etc/group}, read from the tree with a size cap (never executed,
 * no NSS): how steps and copies turn account names into ids.
 */
public final class AccountTables {
  public static final long MAX_ACCOUNT_FILE = 4L << 20;

  private AccountTables() {}

  /** The lines of {@code path} in the tree split at ':', comments left out; empty when there is no such file. */
  public static List<String[]> table(ImageTree tree, String path) throws IOException {
    Node node;
    try {
      node = tree.lookup(tree.resolveFully(EntryPath.parse(path)));
    } catch (HostileInputException e) {
      return List.of();
    }
    if (!(node instanceof Node.RegularFile file) || file.content().size() > MAX_ACCOUNT_FILE) {
      return List.of();
    }
    String text = new String(file.content().readAll(), StandardCharsets.UTF_8);
    return text.lines().filter(l -> !l.startsWith("#")).map(l -> l.split(":", -1)).toList();
  }

  /** The owner's ids: as given, or looked up by name in the tree's account files at this point of the build. */
  public static Owner numeric(Owner owner, ImageTree tree, String forMessages) throws IOException {
    if (owner.numeric()) {
      return owner;
    }
    int uid = owner.user() == null ? owner.uid() : id(table(tree, "etc/passwd"), owner.user(), "user", "/etc/passwd", forMessages);
    int gid = owner.group() == null ? owner.gid() : id(table(tree, "etc/group"), owner.group(), "group", "/etc/group", forMessages);
    return new Owner(uid, gid);
  }

  private static int id(List<String[]> table, String name, String kind, String file, String forMessages) {
    for (String[] f : table) {
      if (f.length >= 3 && f[0].equals(name)) {
        try {
          long v = Long.parseLong(f[2]);
          if (v >= 0 && v <= Integer.MAX_VALUE) {
            return (int) v;
          }
        } catch (NumberFormatException e) {
          break;
        }
      }
    }
    throw new UserError(forMessages + ": " + kind + " '" + name + "' is not in the image's " + file
        + " at this point of the build; create the account earlier (a step or accounts:) or give a numeric id");
  }
}

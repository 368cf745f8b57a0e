package dev.sealbuild.builder.deb;

import dev.sealbuild.builder.fs.EntryPath;
import dev.sealbuild.builder.fs.ImageTree;
import dev.sealbuild.builder.fs.Meta;
import dev.sealbuild.builder.fs.Node;
import dev.sealbuild.formats.HostileInputException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The one effect of Debian maintainer scripts that builds most often miss: {@code update-alternatives --install} in a
 * {@code postinst}, which is how {@code gcc} gives {@code /usr/bin/cc} and {@code g++} {@code /usr/bin/c++}. sealbuild
 * runs no maintainer script; it reads these commands (literal absolute paths and a number only; anything computed is
 * left alone) and makes what dpkg's configure would in auto mode: {@code LINK -> /etc/alternatives/NAME -> PATH} for the
 * highest priority choice whose path exists, its slaves likewise, and, with a dpkg database, the administrative file
 * {@code /var/lib/dpkg/alternatives/NAME}. A link the tree already has (the base manages that alternative) is kept.
 */
final class Alternatives {
  static final EntryPath ADMIN_DIR = EntryPath.parse("var/lib/dpkg/alternatives");
  private static final EntryPath LINK_DIR = EntryPath.parse("etc/alternatives");
  private static final String PATH = "/[A-Za-z0-9._+/-]+";
  private static final String NAME = "[A-Za-z0-9._+-]+";

  record Slave(String link, String name, String path) {}

  record Choice(String link, String name, String path, int priority, List<Slave> slaves) {}

  private Alternatives() {}

  /** The {@code update-alternatives --install} commands of a postinst script, in order. */
  static List<Choice> parse(String postinst) {
    List<Choice> out = new ArrayList<>();
    for (String line : logicalLines(postinst)) {
      List<String> words = words(line);
      int at = words.indexOf("update-alternatives");
      if (at < 0) {
        continue;
      }
      List<String> args = new ArrayList<>();
      for (String w : words.subList(at + 1, words.size())) {
        if (List.of(";", "&&", "||", "|").contains(w)) {
          break; // the next command
        }
        args.add(w);
      }
      int install = args.indexOf("--install");
      if (install < 0 || install + 4 >= args.size()) {
        continue;
      }
      List<String> main = args.subList(install + 1, install + 5);
      if (!plainPath(main.get(0)) || !main.get(1).matches(NAME) || !plainPath(main.get(2))
          || !main.get(3).matches("-?[0-9]{1,9}")) {
        continue;
      }
      List<Slave> slaves = new ArrayList<>();
      boolean literal = true;
      for (int i = install + 5; i < args.size(); i++) {
        if (args.get(i).equals("--slave") && i + 3 < args.size()) {
          Slave s = new Slave(args.get(i + 1), args.get(i + 2), args.get(i + 3));
          if (!plainPath(s.link()) || !s.name().matches(NAME) || !plainPath(s.path())) {
            literal = false;
          }
          slaves.add(s);
          i += 3;
        } else if (!args.get(i).startsWith("--") || args.get(i).equals("--install")) {
          literal = false;
        }
      }
      if (literal) {
        out.add(new Choice(main.get(0), main.get(1), main.get(2), Integer.parseInt(main.get(3)), List.copyOf(slaves)));
      }
    }
    return out;
  }

  /** Makes the links of {@code choices} in {@code tree}; with {@code recordDatabase}, dpkg's records of them too. */
  static void apply(List<Choice> choices, ImageTree tree, long epoch, boolean recordDatabase, AdminFileWriter admin)
      throws java.io.IOException {
    Map<String, List<Choice>> byName = new TreeMap<>();
    for (Choice c : choices) {
      byName.computeIfAbsent(c.name(), n -> new ArrayList<>()).add(c);
    }
    Meta dirMeta = new Meta(0755, 0, 0, epoch);
    Meta linkMeta = new Meta(0777, 0, 0, epoch);
    for (Map.Entry<String, List<Choice>> e : byName.entrySet()) {
      String name = e.getKey();
      List<Choice> present = e.getValue().stream().filter(c -> exists(tree, c.path()))
          .sorted(Comparator.comparingInt(Choice::priority).reversed().thenComparing(Choice::path)).toList();
      if (present.isEmpty() || linkExists(tree, present.get(0).link()) || linkExists(tree, "/etc/alternatives/" + name)) {
        continue;
      }
      Choice best = present.get(0);
      tree.addMissingDirectories(LINK_DIR, dirMeta);
      tree.addMissingDirectories(EntryPath.parse(best.link().substring(1)).parent(), dirMeta);
      tree.addSymlink(EntryPath.parse(best.link().substring(1)), linkMeta, "/etc/alternatives/" + name);
      tree.addSymlink(LINK_DIR.child(name), linkMeta, best.path());
      for (Slave s : best.slaves()) {
        if (exists(tree, s.path()) && !linkExists(tree, s.link())) {
          tree.addMissingDirectories(EntryPath.parse(s.link().substring(1)).parent(), dirMeta);
          tree.addSymlink(EntryPath.parse(s.link().substring(1)), linkMeta, "/etc/alternatives/" + s.name());
          tree.addSymlink(LINK_DIR.child(s.name()), linkMeta, s.path());
        }
      }
      if (recordDatabase) {
        admin.write(ADMIN_DIR.child(name), adminFile(best, present));
      }
    }
  }

  /** Writes a generated file into the tree (the caller's spool and epoch). */
  interface AdminFileWriter {
    void write(EntryPath path, String text) throws java.io.IOException;
  }

  /** update-alternatives' administrative file: status, master link, slaves, then each choice with its priority. */
  static String adminFile(Choice master, List<Choice> choices) {
    Map<String, String> slaveLinks = new LinkedHashMap<>();
    master.slaves().forEach(s -> slaveLinks.put(s.name(), s.link()));
    StringBuilder b = new StringBuilder("auto\n").append(master.link()).append('\n');
    slaveLinks.forEach((name, link) -> b.append(name).append('\n').append(link).append('\n'));
    b.append('\n');
    for (Choice c : choices.stream().sorted(Comparator.comparing(Choice::path)).toList()) {
      b.append(c.path()).append('\n').append(c.priority()).append('\n');
      for (String slave : slaveLinks.keySet()) {
        b.append(c.slaves().stream().filter(s -> s.name().equals(slave)).map(Slave::path).findFirst().orElse(""))
            .append('\n');
      }
    }
    return b.append('\n').toString();
  }

  /** An absolute path of plain segments: no ".", "..", empty segment or shell syntax. */
  private static boolean plainPath(String path) {
    return path.matches(PATH) && !path.matches(".*/\\.{1,2}(/.*)?") && !path.contains("//") && !path.endsWith("/");
  }

  private static boolean exists(ImageTree tree, String path) {
    try {
      return tree.lookup(tree.resolveFully(EntryPath.parse(path.substring(1)))) != null;
    } catch (HostileInputException e) {
      return false;
    }
  }

  private static boolean linkExists(ImageTree tree, String path) {
    try {
      EntryPath p = EntryPath.parse(path.substring(1));
      Node n = tree.lookup(tree.resolveParent(p).child(p.name()));
      return n != null;
    } catch (HostileInputException e) {
      return true; // a path that cannot be resolved inside the image is not made
    }
  }

  /** Lines with backslash-newline continuations joined and comments (a word starting with #) cut. */
  private static List<String> logicalLines(String script) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String raw : script.split("\n", -1)) {
      String line = cutComment(raw);
      if (line.endsWith("\\")) {
        current.append(line, 0, line.length() - 1).append(' ');
      } else {
        out.add(current.append(line).toString());
        current.setLength(0);
      }
    }
    if (current.length() > 0) {
      out.add(current.toString());
    }
    return out;
  }

  private static String cutComment(String line) {
    for (int i = 0; i < line.length(); i++) {
      if (line.charAt(i) == '#' && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
        return line.substring(0, i).stripTrailing();
      }
    }
    return line;
  }

  /** Blank-separated words; a word with quotes or expansions stays as written, so the paths check refuses it. */
  private static List<String> words(String line) {
    List<String> words = new ArrayList<>();
    for (String w : line.trim().split("[ \\t]+")) {
      if (!w.isEmpty()) {
        words.add(w);
      }
    }
    return words;
  }
}

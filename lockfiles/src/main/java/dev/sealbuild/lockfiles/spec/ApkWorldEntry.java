package dev.sealbuild.lockfiles.spec;

import dev.sealbuild.formats.io.Printable;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One {@code packages:} entry of an Alpine spec, in the syntax of apk's world file ({@code /etc/apk/world}, apk-world(5)):
 * {@code [!]name[@tag][op version]}. {@code name} is a package name or a name packages provide ({@code so:libz.so.1},
 * {@code cmd:sh}, {@code pc:zlib}, a path such as {@code /bin/sh}); {@code !name} means never install it; {@code @tag}
 * allows the repositories whose entry carries {@code tag:} that tag; {@code op} is one of {@link #OPERATORS}, {@code ~}
 * being apk's fuzzy (prefix) match. {@link #toString()} gives the entry back exactly as written.
 */
public record ApkWorldEntry(boolean conflict, String name, Optional<String> tag, Optional<String> operator,
    Optional<String> version) {
  /** The version operators apk's world file takes, longest first (the order they are matched in). */
  public static final List<String> OPERATORS = List.of("<=", ">=", "<~", ">~", "<", ">", "=", "~");
  private static final String COMPARERS = "<>=~";
  /** Printable, no space, none of apk's operator, tag or conflict characters. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_/][!-~&&[^<>=~@!]]*");
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  /** apk's version grammar: digits{.digits}[letter]{_suffix[digits]}[-rdigits]; a fuzzy match takes any prefix of one. */
  private static final Pattern VERSION = Pattern.compile(
      "[0-9]+(\\.[0-9]+)*[a-z]?(_(alpha|beta|pre|rc|cvs|svn|git|hg|p)[0-9]*)*(-r[0-9]+)?");

  public ApkWorldEntry {
    if (operator.isPresent() != version.isPresent()) {
      throw new IllegalArgumentException("an operator needs a version and a version an operator");
    }
  }

  /** @throws IllegalArgumentException in one line naming the entry, what is wrong and what to write instead */
  public static ApkWorldEntry parse(String entry) {
    if (entry == null || entry.isEmpty()) {
      throw new IllegalArgumentException("an empty package entry; write a package name such as curl");
    }
    String rest = entry;
    boolean conflict = rest.startsWith("!");
    if (conflict) {
      rest = rest.substring(1);
    }
    int opStart = indexOfAny(rest, COMPARERS);
    String nameAndTag = opStart < 0 ? rest : rest.substring(0, opStart);
    int at = nameAndTag.indexOf('@');
    String name = at < 0 ? nameAndTag : nameAndTag.substring(0, at);
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("package '" + quoted(entry) + "': '" + quoted(name) + "' is not an apk package name;"
          + " write [!]name[@tag][op version], such as curl, curl>=8.5, !doc-pkg, so:libz.so.1 or /bin/sh");
    }
    Optional<String> tag = Optional.empty();
    if (at >= 0) {
      String t = nameAndTag.substring(at + 1);
      if (!TAG.matcher(t).matches()) {
        throw new IllegalArgumentException("package '" + quoted(entry) + "': '" + quoted(t) + "' is not a repository tag;"
            + " write name@tag, such as curl@edge, where a repository entry has tag: edge");
      }
      tag = Optional.of(t);
    }
    if (opStart < 0) {
      return new ApkWorldEntry(conflict, name, tag, Optional.empty(), Optional.empty());
    }
    int versionStart = opStart;
    while (versionStart < rest.length() && COMPARERS.indexOf(rest.charAt(versionStart)) >= 0) {
      versionStart++;
    }
    String op = rest.substring(opStart, versionStart);
    if (!OPERATORS.contains(op)) {
      throw new IllegalArgumentException("package '" + quoted(entry) + "': '" + op + "' is not an apk version operator;"
          + " use one of " + "= < <= > >= ~ <~ >~" + ", such as " + name + ">=1.2");
    }
    String version = rest.substring(versionStart);
    if (!VERSION.matcher(version).matches()) {
      throw new IllegalArgumentException("package '" + quoted(entry) + "': '" + quoted(version) + "' is not an apk version;"
          + " write name" + op + "version, such as " + name + op + "1.2.3-r0");
    }
    return new ApkWorldEntry(conflict, name, tag, Optional.of(op), Optional.of(version));
  }

  /** The entry as apk's world file writes it, which is also how the spec wrote it. */
  @Override
  public String toString() {
    return (conflict ? "!" : "") + name + tag.map(t -> "@" + t).orElse("") + operator.orElse("") + version.orElse("");
  }

  private static int indexOfAny(String s, String chars) {
    for (int i = 0; i < s.length(); i++) {
      if (chars.indexOf(s.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }

  private static String quoted(String s) {
    return Printable.quoted(s, 80);
  }
}

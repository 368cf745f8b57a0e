package dev.sealbuild.prep.debian;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Parses Debian relation fields (Depends, Pre-Depends, Provides, Conflicts, Breaks, Replaces, ...):
 * {@code a (>= 1) | b:any, c [amd64 arm64] <!nocheck>}. Build profiles ({@code <...>}) are parsed and dropped: they
 * only matter when building from source, and binary package indexes do not carry them.
 */
public final class DependencyParser {

  private DependencyParser() {
  }

  /**
   * Parses a field with alternatives, keeping architecture restrictions as written.
   *
   * @throws IllegalArgumentException with a one-line message quoting the offending entry
   */
  public static List<RelationGroup> parse(String field) {
    List<RelationGroup> groups = new ArrayList<>();
    for (String entry : field.split(",", -1)) {
      if (entry.isBlank()) {
        continue;
      }
      List<Relation> alternatives = new ArrayList<>();
      for (String alternative : entry.split("\\|", -1)) {
        alternatives.add(parseRelation(alternative, entry));
      }
      groups.add(new RelationGroup(alternatives));
    }
    return List.copyOf(groups);
  }

  /**
   * Parses a field for one host architecture: alternatives whose {@code [...]} list excludes {@code architecture} are
   * dropped, and so are groups left empty (as dpkg-checkbuilddeps and apt do).
   */
  public static List<RelationGroup> parse(String field, String architecture) {
    List<RelationGroup> groups = new ArrayList<>();
    for (RelationGroup group : parse(field)) {
      List<Relation> kept = group.alternatives().stream().filter(r -> appliesTo(r, architecture)).toList();
      if (!kept.isEmpty()) {
        groups.add(new RelationGroup(kept));
      }
    }
    return List.copyOf(groups);
  }

  /** Parses a field that may not contain alternatives (Provides, Conflicts, Breaks, Replaces). */
  public static List<Relation> parseFlat(String field) {
    List<Relation> relations = new ArrayList<>();
    for (RelationGroup group : parse(field)) {
      if (group.alternatives().size() != 1) {
        throw new IllegalArgumentException(
            "alternatives ('|') are not allowed here: '" + abbreviate(group.toString()) + "'");
      }
      relations.add(group.alternatives().get(0));
    }
    return List.copyOf(relations);
  }

  /** Whether a relation's {@code [...]} list admits {@code architecture} (true when there is no list). */
  public static boolean appliesTo(Relation relation, String architecture) {
    List<String> list = relation.archRestrictions();
    if (list.isEmpty()) {
      return true;
    }
    boolean negated = list.get(0).startsWith("!");
    for (String entry : list) {
      String arch = negated ? entry.substring(1) : entry;
      boolean linux = !architecture.contains("-");
      if (arch.equals(architecture) || arch.equals("any")
          || (linux && (arch.equals("linux-any") || arch.equals("any-" + architecture)))) {
        return !negated;
      }
    }
    return negated;
  }

  private static Relation parseRelation(String text, String entry) {
    Cursor c = new Cursor(text, entry);
    c.skipSpace();
    String name = c.take(DependencyParser::isNameChar);
    if (name.isEmpty() || !isNameStart(name.charAt(0))) {
      throw c.error("expected a package name");
    }
    Optional<String> qualifier = Optional.empty();
    if (c.peek() == ':') {
      c.pos++;
      String q = c.take(ch -> isNameChar(ch) && ch != '.' && ch != '+');
      if (q.isEmpty()) {
        throw c.error("empty architecture qualifier");
      }
      qualifier = Optional.of(q);
    }
    c.skipSpace();
    Optional<Relation.Operator> operator = Optional.empty();
    Optional<DebianVersion> version = Optional.empty();
    if (c.peek() == '(') {
      c.pos++;
      c.skipSpace();
      operator = Optional.of(c.operator());
      c.skipSpace();
      String v = c.take(ch -> ch != ')' && ch != ' ' && ch != '\t' && ch != '\n');
      try {
        version = Optional.of(DebianVersion.parse(v));
      } catch (IllegalArgumentException e) {
        throw c.error(e.getMessage());
      }
      c.skipSpace();
      if (c.peek() != ')') {
        throw c.error("expected ')'");
      }
      c.pos++;
      c.skipSpace();
    }
    List<String> archs = new ArrayList<>();
    if (c.peek() == '[') {
      c.pos++;
      while (true) {
        c.skipSpace();
        if (c.peek() == ']') {
          c.pos++;
          break;
        }
        String arch = c.take(ch -> ch == '!' || isNameChar(ch));
        if (arch.isEmpty() || arch.equals("!")) {
          throw c.error("bad architecture list");
        }
        archs.add(arch);
      }
      if (archs.isEmpty() || archs.stream().map(a -> a.startsWith("!")).distinct().count() > 1) {
        throw c.error("architecture list must be non-empty and all negated or none");
      }
      c.skipSpace();
    }
    while (c.peek() == '<') {
      int close = text.indexOf('>', c.pos);
      if (close < 0) {
        throw c.error("unterminated build profile");
      }
      c.pos = close + 1;
      c.skipSpace();
    }
    if (c.pos != text.length()) {
      throw c.error("unexpected text");
    }
    return new Relation(name, qualifier, operator, version, archs);
  }

  private static boolean isNameStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
  }

  private static boolean isNameChar(char c) {
    return isNameStart(c) || c == '+' || c == '-' || c == '.' || c == '_';
  }

  private static String abbreviate(String s) {
    String oneLine = s.strip().replaceAll("\\s+", " ");
    return oneLine.length() > 100 ? oneLine.substring(0, 100) + "..." : oneLine;
  }

  private interface CharTest {
    boolean test(char c);
  }

  private static final class Cursor {
    final String text;
    final String entry;
    int pos;

    Cursor(String text, String entry) {
      this.text = text;
      this.entry = entry;
    }

    char peek() {
      return pos < text.length() ? text.charAt(pos) : '\0';
    }

    void skipSpace() {
      while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
        pos++;
      }
    }

    String take(CharTest accept) {
      int start = pos;
      while (pos < text.length() && accept.test(text.charAt(pos))) {
        pos++;
      }
      return text.substring(start, pos);
    }

    Relation.Operator operator() {
      String rest = text.substring(pos);
      for (String[] op : new String[][] {{"<<", "EARLIER"}, {"<=", "EARLIER_OR_EQUAL"}, {">>", "LATER"},
          {">=", "LATER_OR_EQUAL"}, {"=", "EQUAL"}, {"<", "EARLIER_OR_EQUAL"}, {">", "LATER_OR_EQUAL"}}) {
        if (rest.startsWith(op[0])) {
          pos += op[0].length();
          return Relation.Operator.valueOf(op[1]);
        }
      }
      throw error("expected one of << <= = >= >>");
    }

    IllegalArgumentException error(String what) {
      return new IllegalArgumentException("bad relation '" + abbreviate(entry) + "': " + what);
    }
  }
}

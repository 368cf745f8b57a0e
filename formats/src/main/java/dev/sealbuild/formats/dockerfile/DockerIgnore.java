package dev.sealbuild.formats.dockerfile;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.List;

/**
 * A {@code .dockerignore} file with moby's patternmatcher semantics (as BuildKit applies it to the build context):
 * lines starting with '#' are comments, blank lines are skipped, each pattern is trimmed and cleaned like Go's
 * path.Clean with a leading '/' dropped; '*' and '?' never cross '/', '[...]' is a character class, '**' matches any
 * number of directories (none included), '\' escapes; a line starting with '!' re-includes what it matches, and the
 * last matching line wins; a pattern matching a directory matches everything under it.
 */
public final class DockerIgnore {
  /** Patterns beyond this count are refused. */
  public static final int MAX_PATTERNS = 10_000;

  private record Rule(String pattern, boolean exclusion, PathPattern matcher) {}

  private final List<String> patterns;
  private final List<Rule> rules;

  private DockerIgnore(List<String> patterns, List<Rule> rules) {
    this.patterns = List.copyOf(patterns);
    this.rules = List.copyOf(rules);
  }

  public static DockerIgnore none() {
    return new DockerIgnore(List.of(), List.of());
  }

  /** Reads {@code .dockerignore} text; a bad pattern is a {@link DockerfileException} naming the line. */
  public static DockerIgnore parse(String text) throws DockerfileException {
    if (text.length() > DockerfileParser.MAX_CHARS) {
      throw new DockerfileException(".dockerignore", 0, "the file is larger than "
          + DockerfileParser.MAX_CHARS / 1024 + " KiB");
    }
    List<String> patterns = new ArrayList<>();
    List<Rule> rules = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String p = lines[i];
      if (i == 0 && p.startsWith("\uFEFF")) {
        p = p.substring(1);
      }
      if (p.startsWith("#")) {
        continue; // a comment only when '#' is the very first character
      }
      p = p.strip();
      if (p.isEmpty()) {
        continue;
      }
      boolean invert = p.charAt(0) == '!';
      if (invert) {
        p = p.substring(1).strip();
        if (p.isEmpty()) {
          throw new DockerfileException(".dockerignore", i + 1, "illegal exclusion pattern: \"!\"");
        }
      }
      p = clean(p);
      if (p.length() > 1 && p.charAt(0) == '/') {
        p = p.substring(1);
      }
      if (rules.size() >= MAX_PATTERNS) {
        throw new DockerfileException(".dockerignore", i + 1, "more than " + MAX_PATTERNS + " patterns");
      }
      PathPattern matcher;
      try {
        matcher = PathPattern.compile(p);
      } catch (IllegalArgumentException e) {
        throw new DockerfileException(".dockerignore", i + 1, "syntax error in pattern \"" + p + "\"");
      }
      patterns.add(invert ? "!" + p : p);
      rules.add(new Rule(p, invert, matcher));
    }
    return new DockerIgnore(patterns, rules);
  }

  /** The cleaned patterns in order, exclusions with their leading '!'. */
  public List<String> patterns() {
    return patterns;
  }

  /**
   * Whether the context path (relative, '/'-separated) is left out of the build context: the last pattern that
   * matches it or one of its parent directories decides (patternmatcher's MatchesOrParentMatches).
   */
  public boolean excluded(String relativePath) {
    String file = clean(relativePath);
    if (file.startsWith("/")) {
      file = file.substring(1);
    }
    List<String> parents = new ArrayList<>();
    int slash = file.indexOf('/');
    while (slash >= 0) {
      parents.add(file.substring(0, slash));
      slash = file.indexOf('/', slash + 1);
    }
    boolean matched = false;
    for (Rule rule : rules) {
      if (rule.exclusion() != matched) {
        continue; // an inclusion cannot change an excluded path, nor an exclusion an included one
      }
      boolean match = rule.matcher().matches(file);
      for (int i = 0; !match && i < parents.size(); i++) {
        match = rule.matcher().matches(parents.get(i));
      }
      if (match) {
        matched = !rule.exclusion();
      }
    }
    return matched;
  }

  /**
   * One cleaned pattern, read as patternmatcher compiles it to a regular expression: '*' and '?' never match '/',
   * a double star followed by more matches any run of whole directories (none included), a final double star matches
   * anything. It is matched by walking every pattern position at once, so a hostile pattern costs path length times
   * pattern length, never a backtracking blow-up.
   */
  static final class PathPattern {
    private enum Kind { STAR, ANY, DIRS, REST, LITERAL, CLASS }

    private record Token(Kind kind, char c, String members, boolean negated) {
      boolean single(char ch) {
        return switch (kind) {
          case ANY -> ch != '/';
          case LITERAL -> ch == c;
          case CLASS -> inClass(ch) != negated;
          default -> false;
        };
      }

      private boolean inClass(char ch) {
        for (int i = 0; i < members.length(); i++) {
          char lo = members.charAt(i);
          if (lo == '\\' && i + 1 < members.length()) {
            lo = members.charAt(++i);
          }
          if (i + 2 < members.length() && members.charAt(i + 1) == '-') {
            char hi = members.charAt(i + 2);
            if (hi == '\\' && i + 3 < members.length()) {
              hi = members.charAt(i + 3);
              i++;
            }
            if (ch >= lo && ch <= hi) {
              return true;
            }
            i += 2;
          } else if (ch == lo) {
            return true;
          }
        }
        return false;
      }
    }

    private final List<Token> tokens;

    private PathPattern(List<Token> tokens) {
      this.tokens = tokens;
    }

    static PathPattern compile(String pattern) {
      List<Token> tokens = new ArrayList<>();
      int n = pattern.length();
      for (int i = 0; i < n; i++) {
        char ch = pattern.charAt(i);
        if (ch == '*') {
          if (i + 1 < n && pattern.charAt(i + 1) == '*') {
            i++;
            if (i + 1 < n && pattern.charAt(i + 1) == '/') {
              i++; // "**/" is read as "**"
            }
            tokens.add(new Token(i + 1 == n ? Kind.REST : Kind.DIRS, '\0', null, false));
          } else {
            tokens.add(new Token(Kind.STAR, '\0', null, false));
          }
        } else if (ch == '?') {
          tokens.add(new Token(Kind.ANY, '\0', null, false));
        } else if (ch == '\\') {
          tokens.add(new Token(Kind.LITERAL, i + 1 < n ? pattern.charAt(++i) : '\\', null, false));
        } else if (ch == '[') {
          int end = classEnd(pattern, i);
          if (end < 0) {
            throw new IllegalArgumentException("unclosed [");
          }
          int start = i + 1;
          boolean negated = pattern.charAt(start) == '^' || pattern.charAt(start) == '!';
          tokens.add(new Token(Kind.CLASS, '\0', pattern.substring(negated ? start + 1 : start, end), negated));
          i = end;
        } else if (ch == ']') {
          throw new IllegalArgumentException("unmatched ]");
        } else {
          tokens.add(new Token(Kind.LITERAL, ch, null, false));
        }
      }
      return new PathPattern(tokens);
    }

    // state 2p: before token p; state 2p+1: inside token p (a DIRS that has consumed characters, no '/' yet)
    private void close(BitSet states) {
      for (int s = states.nextSetBit(0); s >= 0; s = states.nextSetBit(s + 1)) {
        if (s % 2 == 0 && s / 2 < tokens.size()) {
          Kind k = tokens.get(s / 2).kind();
          if (k == Kind.STAR || k == Kind.DIRS || k == Kind.REST) {
            states.set(s + 2); // these may match nothing
          }
        }
      }
    }

    boolean matches(String path) {
      int size = 2 * tokens.size() + 2;
      BitSet states = new BitSet(size);
      states.set(0);
      close(states);
      for (int i = 0; i < path.length() && !states.isEmpty(); i++) {
        char ch = path.charAt(i);
        BitSet next = new BitSet(size);
        for (int s = states.nextSetBit(0); s >= 0; s = states.nextSetBit(s + 1)) {
          int p = s / 2;
          if (p >= tokens.size()) {
            continue;
          }
          Token t = tokens.get(p);
          switch (t.kind()) {
            case STAR -> {
              if (ch != '/') {
                next.set(2 * p);
              }
            }
            case REST -> next.set(2 * p);
            case DIRS -> {
              next.set(2 * p + 1);
              if (ch == '/') {
                next.set(2 * p + 2);
              }
            }
            default -> {
              if (s % 2 == 0 && t.single(ch)) {
                next.set(2 * p + 2);
              }
            }
          }
        }
        close(next);
        states = next;
      }
      return states.get(2 * tokens.size());
    }
  }

  /** The index of the ']' closing the class opened at {@code open}, or -1 (filepath.Match's ErrBadPattern). */
  private static int classEnd(String pattern, int open) {
    int k = open + 1;
    if (k < pattern.length() && (pattern.charAt(k) == '^' || pattern.charAt(k) == '!')) {
      k++;
    }
    if (k < pattern.length() && pattern.charAt(k) == ']') {
      return -1; // an empty class
    }
    for (; k < pattern.length(); k++) {
      char c = pattern.charAt(k);
      if (c == '\\') {
        k++;
      } else if (c == ']') {
        return k;
      }
    }
    return -1;
  }

  /** Go's path.Clean. */
  static String clean(String path) {
    if (path.isEmpty()) {
      return ".";
    }
    boolean rooted = path.startsWith("/");
    Deque<String> out = new ArrayDeque<>();
    for (String part : path.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (!out.isEmpty() && !out.peekLast().equals("..")) {
          out.removeLast();
        } else if (!rooted) {
          out.addLast("..");
        }
        continue;
      }
      out.addLast(part);
    }
    String joined = String.join("/", out);
    if (rooted) {
      return "/" + joined;
    }
    return joined.isEmpty() ? "." : joined;
  }
}

package dev.sealbuild.formats.dockerfile;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Pattern;

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

  private record Rule(String pattern, boolean exclusion, Pattern regex) {}

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
      Pattern regex;
      try {
        regex = compile(p);
      } catch (IllegalArgumentException e) {
        throw new DockerfileException(".dockerignore", i + 1, "syntax error in pattern \"" + p + "\"");
      }
      patterns.add(invert ? "!" + p : p);
      rules.add(new Rule(p, invert, regex));
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
      boolean match = rule.regex().matcher(file).matches();
      for (int i = 0; !match && i < parents.size(); i++) {
        match = rule.regex().matcher(parents.get(i)).matches();
      }
      if (match) {
        matched = !rule.exclusion();
      }
    }
    return matched;
  }

  /** patternmatcher's compile: the pattern as an anchored regular expression. */
  static Pattern compile(String pattern) {
    StringBuilder re = new StringBuilder("^");
    int n = pattern.length();
    for (int i = 0; i < n; i++) {
      char ch = pattern.charAt(i);
      if (ch == '*') {
        if (i + 1 < n && pattern.charAt(i + 1) == '*') {
          i++;
          if (i + 1 < n && pattern.charAt(i + 1) == '/') {
            i++; // "**/" is read as "**"
          }
          re.append(i + 1 == n ? ".*" : "(.*/)?");
        } else {
          re.append("[^/]*");
        }
      } else if (ch == '?') {
        re.append("[^/]");
      } else if (ch == '\\') {
        if (i + 1 < n) {
          re.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
        } else {
          re.append("\\\\");
        }
      } else if (ch == '[') {
        int end = classEnd(pattern, i);
        if (end < 0) {
          throw new IllegalArgumentException("unclosed [");
        }
        String body = pattern.substring(i + 1, end);
        if (body.startsWith("^") || body.startsWith("!")) {
          body = "^" + body.substring(1);
        }
        StringBuilder cls = new StringBuilder("[");
        for (int k = 0; k < body.length(); k++) {
          char c = body.charAt(k);
          if (c == '\\' && k + 1 < body.length()) {
            cls.append('\\').append(body.charAt(++k));
          } else if (c == '[' || c == '&' || c == '\\') {
            cls.append('\\').append(c);
          } else {
            cls.append(c);
          }
        }
        re.append(cls).append(']');
        i = end;
      } else if (ch == ']') {
        throw new IllegalArgumentException("unmatched ]");
      } else {
        re.append(Pattern.quote(String.valueOf(ch)));
      }
    }
    re.append('$');
    return Pattern.compile(re.toString(), Pattern.DOTALL);
  }

  private static int classEnd(String pattern, int open) {
    int k = open + 1;
    if (k < pattern.length() && (pattern.charAt(k) == '^' || pattern.charAt(k) == '!')) {
      k++;
    }
    if (k < pattern.length() && pattern.charAt(k) == ']') {
      return -1; // an empty class is a bad pattern for filepath.Match
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

package dev.sealbuild.formats.dockerfile;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;

/**
 * The shell patterns of ${VAR#pat}, ${VAR%pat} and ${VAR/pat/repl}: '*' (any run), '?' (any character), '[...]'
 * ('!' or '^' negates, ranges) and '\' before a literal. Matched by walking all pattern positions at once over the
 * value (time linear in value times pattern), never by a backtracking regular expression.
 */
final class ShellGlob {
  private sealed interface Token permits Star, Any, Literal, CharClass {}

  private record Star() implements Token {}

  private record Any() implements Token {}

  private record Literal(char c) implements Token {}

  private record CharClass(String members, boolean negated) implements Token {
    boolean matches(char c) {
      boolean in = false;
      for (int i = 0; i < members.length(); i++) {
        char lo = members.charAt(i);
        if (i + 2 < members.length() && members.charAt(i + 1) == '-') {
          char hi = members.charAt(i + 2);
          if (c >= lo && c <= hi) {
            in = true;
          }
          i += 2;
        } else if (c == lo) {
          in = true;
        }
      }
      return in != negated;
    }
  }

  /** Values longer than this are refused for pattern operators (the cost is value length times pattern length). */
  static final int MAX_VALUE = 1 << 16;

  private final List<Token> tokens;

  private ShellGlob(List<Token> tokens) {
    this.tokens = tokens;
  }

  static ShellGlob compile(String pattern) {
    List<Token> tokens = new ArrayList<>();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      switch (c) {
        case '*' -> tokens.add(new Star());
        case '?' -> tokens.add(new Any());
        case '\\' -> tokens.add(new Literal(i + 1 < pattern.length() ? pattern.charAt(++i) : '\\'));
        case '[' -> {
          int start = i + 1;
          boolean negated = start < pattern.length() && (pattern.charAt(start) == '!' || pattern.charAt(start) == '^');
          if (negated) {
            start++;
          }
          int end = pattern.indexOf(']', start < pattern.length() && pattern.charAt(start) == ']' ? start + 1 : start);
          if (end < 0) {
            tokens.add(new Literal('['));
          } else {
            tokens.add(new CharClass(pattern.substring(start, end), negated));
            i = end;
          }
        }
        default -> tokens.add(new Literal(c));
      }
    }
    return new ShellGlob(tokens);
  }

  private ShellGlob reversed() {
    List<Token> r = new ArrayList<>(tokens);
    Collections.reverse(r);
    return new ShellGlob(r);
  }

  private BitSet closure(BitSet states) {
    for (int p = states.nextSetBit(0); p >= 0; p = states.nextSetBit(p + 1)) {
      if (p < tokens.size() && tokens.get(p) instanceof Star) {
        states.set(p + 1);
      }
    }
    return states;
  }

  private BitSet step(BitSet states, char c) {
    BitSet next = new BitSet(tokens.size() + 1);
    for (int p = states.nextSetBit(0); p >= 0 && p < tokens.size(); p = states.nextSetBit(p + 1)) {
      Token t = tokens.get(p);
      if (t instanceof Star) {
        next.set(p);
      } else if (t instanceof Any || t instanceof Literal l && l.c() == c
          || t instanceof CharClass k && k.matches(c)) {
        next.set(p + 1);
      }
    }
    return closure(next);
  }

  /** For each length k in 0..value.length() (from {@code from}), whether value[from, from+k) matches. */
  private boolean[] matchingLengths(CharSequence value, int from) {
    boolean[] ok = new boolean[value.length() - from + 1];
    BitSet states = new BitSet(tokens.size() + 1);
    states.set(0);
    closure(states);
    int accept = tokens.size();
    ok[0] = states.get(accept);
    for (int i = from; i < value.length() && !states.isEmpty(); i++) {
      states = step(states, value.charAt(i));
      ok[i - from + 1] = states.get(accept);
    }
    return ok;
  }

  static String trimPrefix(String pattern, String value, boolean longest) throws ShellLexer.LexError {
    check(value);
    boolean[] ok = compile(pattern).matchingLengths(value, 0);
    int best = pick(ok, longest);
    return best < 0 ? value : value.substring(best);
  }

  static String trimSuffix(String pattern, String value, boolean longest) throws ShellLexer.LexError {
    check(value);
    boolean[] ok = compile(pattern).reversed().matchingLengths(new StringBuilder(value).reverse(), 0);
    int best = pick(ok, longest);
    return best < 0 ? value : value.substring(0, value.length() - best);
  }

  /**
   * The leftmost match, longest at that position, replaced (then every following non-overlapping one when
   * {@code all}). Where a match can start is found in one backward pass; each match is then measured forwards.
   */
  static String replace(String pattern, String replacement, String value, boolean all) throws ShellLexer.LexError {
    check(value);
    ShellGlob glob = compile(pattern);
    boolean[] starts = glob.reversed().matchStarts(value);
    StringBuilder out = new StringBuilder();
    long budget = 50_000_000L / Math.max(1, glob.tokens.size());
    int i = 0;
    boolean replaced = false;
    while (i <= value.length()) {
      if (!starts[i] || (replaced && !all)) {
        if (i < value.length()) {
          out.append(value.charAt(i));
        }
        i++;
        continue;
      }
      budget -= value.length() - i + 1;
      if (budget < 0) {
        throw new ShellLexer.LexError("pattern substitution too costly for this value");
      }
      int len = pick(glob.matchingLengths(value, i), true);
      out.append(replacement);
      replaced = true;
      if (len <= 0) {
        if (i < value.length()) {
          out.append(value.charAt(i)); // an empty match moves on by one character, as Go's ReplaceAll does
        }
        i++;
      } else {
        i += len;
      }
    }
    return out.toString();
  }

  /**
   * Run on the reversed pattern: for each i in 0..value.length(), whether some match of the original pattern starts
   * at i (a fresh start is injected at every position while walking the value backwards).
   */
  private boolean[] matchStarts(String value) {
    boolean[] starts = new boolean[value.length() + 1];
    int accept = tokens.size();
    BitSet states = new BitSet(tokens.size() + 1);
    states.set(0);
    closure(states);
    starts[value.length()] = states.get(accept);
    for (int i = value.length() - 1; i >= 0; i--) {
      states = step(states, value.charAt(i));
      states.set(0);
      closure(states);
      starts[i] = states.get(accept);
    }
    return starts;
  }

  private static int pick(boolean[] ok, boolean longest) {
    if (longest) {
      for (int k = ok.length - 1; k >= 0; k--) {
        if (ok[k]) {
          return k;
        }
      }
    } else {
      for (int k = 0; k < ok.length; k++) {
        if (ok[k]) {
          return k;
        }
      }
    }
    return -1;
  }

  private static void check(String value) throws ShellLexer.LexError {
    if (value.length() > MAX_VALUE) {
      throw new ShellLexer.LexError("value longer than " + MAX_VALUE + " characters for a pattern substitution");
    }
  }
}

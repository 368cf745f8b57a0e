package dev.sealbuild.formats.dockerfile;

import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * How BuildKit cuts an instruction's argument text into words, before any variable is expanded.
 *
 * <p>BuildKit does this in two steps: the parser splits COPY/ADD/VOLUME (shell form), FROM and EXPOSE on plain
 * whitespace ({@link #rawWords}: quotes do not protect spaces there), and the dispatcher then runs each word through
 * the shell lexer, which expands variables and removes quotes ({@link VariableExpander#expand}). ENV, LABEL and ARG
 * are split by a quote-aware splitter that keeps the quotes ({@link #keyValues}); their keys and values go through
 * the lexer afterwards too. So words and values returned raw here must still be expanded (or {@link #unquote}d).
 */
public final class DockerfileWords {
  private static final Pattern WHITESPACE = Pattern.compile("[\t\u000b\f\r ]+");

  private DockerfileWords() {}

  /**
   * BuildKit's parseStringsWhitespaceDelimited: the text split on blanks, quotes and escapes left as written.
   * This is what COPY, ADD and VOLUME (shell form), FROM and EXPOSE hold before expansion.
   */
  public static List<String> rawWords(String text) {
    String t = text.strip();
    return t.isEmpty() ? List.of() : List.of(WHITESPACE.split(t, -1));
  }

  /**
   * The words of {@code text} as BuildKit reads COPY/ADD/EXPOSE/VOLUME/FROM arguments, without expanding
   * variables: split on blanks ({@link #rawWords}), then quotes and escape characters removed from each word. A
   * quote cannot hold a blank here (BuildKit splits first), so {@code "a b"} is refused as an unmatched quote.
   * {@code $NAME} and {@code ${...}} are left as written.
   */
  public static List<String> split(String text, char escape) {
    return split(text, escape, 0, "Dockerfile");
  }

  /** {@link #split(String, char)} with the location used in errors. */
  public static List<String> split(String text, char escape, int line, String file) {
    List<String> out = new ArrayList<>();
    for (String word : rawWords(text)) {
      out.add(unquote(word, escape, line, file));
    }
    return out;
  }

  /** One word with its quotes and escape characters removed; variables left as written. */
  public static String unquote(String word, char escape, int line, String file) {
    try {
      return new ShellLexer(escape, Map.of(), false, true).process(word).word();
    } catch (ShellLexer.LexError e) {
      throw new DockerfileException(file, line, "failed to process \"" + word + "\": " + e.getMessage());
    }
  }

  /**
   * The KEY=VALUE pairs of ENV, LABEL or ARG, in order, keys and values raw (quotes kept, variables not
   * expanded: pass both through {@link VariableExpander#expand}, as BuildKit does). ENV and LABEL also take the
   * legacy {@code ENV KEY value with spaces} form (when the first word has no '='): one pair whose value is the rest
   * of the text. ARG gives a null value for a name without a default.
   */
  public static List<Map.Entry<String, String>> keyValues(String keyword, String text, char escape, int line,
      String file) throws DockerfileException {
    try {
      if (keyword.equalsIgnoreCase("ARG")) {
        List<String> words = parseWords(text, escape);
        if (words.isEmpty()) {
          throw new ShellLexer.LexError("ARG requires at least one argument");
        }
        List<Map.Entry<String, String>> out = new ArrayList<>();
        for (String w : words) {
          int eq = w.indexOf('=');
          if (eq == 0) {
            throw new ShellLexer.LexError("ARG names can not be blank");
          }
          out.add(eq < 0 ? new SimpleImmutableEntry<>(w, null)
              : new SimpleImmutableEntry<>(w.substring(0, eq), w.substring(eq + 1)));
        }
        return List.copyOf(out);
      }
      return keyValuesOrLex(keyword.toUpperCase(java.util.Locale.ROOT), text, escape);
    } catch (ShellLexer.LexError e) {
      throw new DockerfileException(file, line, e.getMessage());
    }
  }

  /** BuildKit's parseNameVal for ENV and LABEL (see {@link #keyValues}). */
  static List<Map.Entry<String, String>> keyValuesOrLex(String keyword, String text, char escape)
      throws ShellLexer.LexError {
    List<String> words = parseWords(text, escape);
    if (words.isEmpty()) {
      throw new ShellLexer.LexError(keyword + " requires at least one argument");
    }
    List<Map.Entry<String, String>> out = new ArrayList<>();
    if (!words.get(0).contains("=")) {
      // the legacy form: KEY value (the value is the rest of the text, as written)
      String[] parts = WHITESPACE.split(text.strip(), 2);
      if (parts.length < 2) {
        throw new ShellLexer.LexError(keyword + " must have two arguments (" + keyword + " KEY=VALUE, or the legacy "
            + keyword + " KEY VALUE)");
      }
      out.add(new SimpleImmutableEntry<>(parts[0], parts[1]));
      return List.copyOf(out);
    }
    for (String w : words) {
      int eq = w.indexOf('=');
      if (eq < 0) {
        throw new ShellLexer.LexError("Syntax error - can't find = in \"" + w
            + "\". Must be of the form: name=value");
      }
      if (eq == 0) {
        throw new ShellLexer.LexError(keyword + " names can not be blank");
      }
      out.add(new SimpleImmutableEntry<>(w.substring(0, eq), w.substring(eq + 1)));
    }
    return List.copyOf(out);
  }

  /**
   * BuildKit's parseWords (ENV, LABEL, ARG): blank-separated words where '...' and "..." hold blanks and the escape
   * character protects the next character; quotes and escapes stay in the words.
   */
  static List<String> parseWords(String rest, char escape) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    boolean blankOk = false;
    char quote = 0;
    int n = rest.length();
    int pos = 0;
    while (pos < n) {
      char ch = rest.charAt(pos);
      if (!inWord) {
        if (Character.isWhitespace(ch)) {
          pos++;
          continue;
        }
        inWord = true;
      }
      if (quote == 0) {
        if (Character.isWhitespace(ch)) {
          if (blankOk || word.length() > 0) {
            words.add(word.toString());
          }
          word.setLength(0);
          blankOk = false;
          inWord = false;
          pos++;
          continue;
        }
        if (ch == '\'' || ch == '"') {
          quote = ch;
          blankOk = true;
        } else if (ch == escape) {
          if (pos + 1 == n) {
            pos++;
            continue; // an escape character at the end is dropped
          }
          word.append(ch);
          pos++;
          ch = rest.charAt(pos);
        }
        word.append(ch);
        pos++;
        continue;
      }
      // inside quotes
      if (ch == quote) {
        quote = 0;
      } else if (ch == escape && quote != '\'') {
        if (pos + 1 == n) {
          quote = 0;
          pos++;
          continue;
        }
        word.append(ch);
        pos++;
        ch = rest.charAt(pos);
      }
      word.append(ch);
      pos++;
    }
    if (inWord && (blankOk || word.length() > 0)) {
      words.add(word.toString());
    }
    return words;
  }
}

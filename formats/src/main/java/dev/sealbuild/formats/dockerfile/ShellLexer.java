package dev.sealbuild.formats.dockerfile;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * BuildKit's shell lexer (frontend/dockerfile/shell/lex.go): quotes, the escape character and {@code $} expansion
 * over one word, giving the processed word and the words it splits into. Errors are {@link LexError}s without a
 * location; callers add file and line.
 */
final class ShellLexer {
  /** A word BuildKit's lexer refuses. */
  static final class LexError extends Exception {
    LexError(String message) {
      super(message, null, false, false);
    }
  }

  /** The processed word and its whitespace-split words. */
  record Result(String word, List<String> words) {}

  private static final int EOF = -1;

  private final char escape;
  private final Map<String, String> env;
  private final boolean rawQuotes;
  private final boolean skipUnsetEnv;
  private boolean rawEscapes;

  private String src;
  private int pos;
  private int depth;

  /** Nested ${...} beyond this are refused (BuildKit recurses without a bound; a stack is not a resource to lose). */
  static final int MAX_DEPTH = 64;

  /**
   * @param env variables; a name absent from the map is unset
   * @param rawQuotes keep the quote characters in the result (BuildKit's RawQuotes)
   * @param skipUnsetEnv leave {@code $NAME} of an unset variable as written (BuildKit's SkipUnsetEnv)
   */
  ShellLexer(char escape, Map<String, String> env, boolean rawQuotes, boolean skipUnsetEnv) {
    this.escape = escape;
    this.env = env;
    this.rawQuotes = rawQuotes;
    this.skipUnsetEnv = skipUnsetEnv;
  }

  Result process(String word) throws LexError {
    src = word;
    pos = 0;
    return processStopOn(EOF, rawEscapes);
  }

  /** {@code text} as one word with quotes and escape characters kept (BuildKit's RawQuotes and RawEscapes). */
  String processRawWord(String text) throws LexError {
    rawEscapes = true;
    try {
      return process(text).word();
    } finally {
      rawEscapes = false;
    }
  }

  /** The words of {@code line} with quotes and escape characters kept (BuildKit's RawQuotes and RawEscapes). */
  List<String> processRawEscapes(String line) throws LexError {
    rawEscapes = true;
    try {
      return process(line).words();
    } finally {
      rawEscapes = false;
    }
  }

  private int peek() {
    return pos < src.length() ? src.charAt(pos) : EOF;
  }

  private int next() {
    return pos < src.length() ? src.charAt(pos++) : EOF;
  }

  /** BuildKit's wordsStruct: unquoted whitespace splits, quoted or escaped text never does. */
  private static final class Words {
    final StringBuilder word = new StringBuilder();
    final List<String> words = new ArrayList<>();
    boolean inWord;

    void addChar(int ch) {
      if (Character.isWhitespace(ch)) {
        if (inWord && word.length() > 0) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
      } else {
        addRawChar(ch);
      }
    }

    void addRawChar(int ch) {
      word.append((char) ch);
      inWord = true;
    }

    void addString(String s) {
      for (int i = 0; i < s.length(); i++) {
        addChar(s.charAt(i));
      }
    }

    void addRawString(String s) {
      word.append(s);
      inWord = true;
    }

    List<String> finish() {
      if (word.length() > 0) {
        words.add(word.toString());
        word.setLength(0);
        inWord = false;
      }
      return words;
    }
  }

  private Result processStopOn(int stop, boolean rawEscapes) throws LexError {
    if (++depth > MAX_DEPTH) {
      throw new LexError("more than " + MAX_DEPTH + " nested ${...} substitutions");
    }
    try {
      return processStopOnBounded(stop, rawEscapes);
    } finally {
      depth--;
    }
  }

  private Result processStopOnBounded(int stop, boolean rawEscapes) throws LexError {
    StringBuilder result = new StringBuilder();
    Words words = new Words();
    while (peek() != EOF) {
      int ch = peek();
      if (stop != EOF && ch == stop) {
        next();
        return new Result(result.toString(), words.finish());
      }
      if (ch == '\'' || ch == '"' || ch == '$') {
        String tmp = ch == '\'' ? singleQuote() : ch == '"' ? doubleQuote() : dollar();
        result.append(tmp);
        if (ch == '$') {
          words.addString(tmp);
        } else {
          words.addRawString(tmp);
        }
        continue;
      }
      ch = next();
      if (ch == escape) {
        if (rawEscapes) {
          words.addRawChar(ch);
          result.append((char) ch);
        }
        ch = next();
        if (ch == EOF) {
          break;
        }
        words.addRawChar(ch);
      } else {
        words.addChar(ch);
      }
      result.append((char) ch);
    }
    if (stop != EOF) {
      throw new LexError("unexpected end of statement while looking for matching " + (char) stop);
    }
    return new Result(result.toString(), words.finish());
  }

  private String singleQuote() throws LexError {
    StringBuilder result = new StringBuilder();
    int ch = next();
    if (rawQuotes) {
      result.append((char) ch);
    }
    while (true) {
      ch = next();
      if (ch == EOF) {
        throw new LexError("unexpected end of statement while looking for matching single-quote");
      }
      if (ch == '\'') {
        if (rawQuotes) {
          result.append((char) ch);
        }
        return result.toString();
      }
      result.append((char) ch);
    }
  }

  private String doubleQuote() throws LexError {
    StringBuilder result = new StringBuilder();
    int ch = next();
    if (rawQuotes) {
      result.append((char) ch);
    }
    while (true) {
      int p = peek();
      if (p == EOF) {
        throw new LexError("unexpected end of statement while looking for matching double-quote");
      }
      if (p == '"') {
        next();
        if (rawQuotes) {
          result.append('"');
        }
        return result.toString();
      }
      if (p == '$') {
        result.append(dollar());
        continue;
      }
      ch = next();
      if (ch == escape) {
        if (rawEscapes) {
          result.append((char) ch);
        }
        int after = peek();
        if (after == EOF) {
          continue; // an escape at the very end is dropped; the missing quote is reported next
        }
        if (after == '"' || after == '$' || after == escape) {
          ch = next(); // only these are escaped inside double quotes; any other escape stays literal
        }
      }
      result.append((char) ch);
    }
  }

  private String dollar() throws LexError {
    next(); // '$'
    if (peek() != '{') {
      String name = name();
      if (name.isEmpty()) {
        return "$";
      }
      String value = env.get(name);
      if (value == null && skipUnsetEnv) {
        return "$" + name;
      }
      return value == null ? "" : value;
    }
    next(); // '{'
    int p = peek();
    if (p == EOF) {
      throw new LexError("syntax error: missing '}'");
    }
    if (p == '{' || p == '}' || p == ':') {
      throw new LexError("syntax error: bad substitution");
    }
    String name = name();
    int ch = next();
    if (ch == EOF) {
      throw new LexError("syntax error: missing '}'");
    }
    String modifier = String.valueOf((char) ch);
    switch (ch) {
      case '}': {
        String value = env.get(name);
        if (value == null && skipUnsetEnv) {
          return "${" + name + "}";
        }
        return value == null ? "" : value;
      }
      case ':': {
        ch = next();
        if (ch == EOF) {
          throw new LexError("syntax error: missing '}'");
        }
        modifier += (char) ch;
        if (ch != '+' && ch != '-' && ch != '?') {
          throw new LexError("unsupported modifier (" + modifier + ") in substitution");
        }
        return substitute(name, ch, true, modifier);
      }
      case '+':
      case '-':
      case '?':
      case '#':
      case '%':
        return substitute(name, ch, false, modifier);
      case '/': {
        boolean all = peek() == '/';
        if (all) {
          next();
        }
        String pattern;
        try {
          pattern = processStopOn('/', true).word();
        } catch (LexError e) {
          if (peek() == EOF) {
            throw new LexError("syntax error: missing '/' in ${}");
          }
          throw e;
        }
        String replacement;
        try {
          replacement = processStopOn('}', true).word();
        } catch (LexError e) {
          if (peek() == EOF) {
            throw new LexError("syntax error: missing '}'");
          }
          throw e;
        }
        String value = env.get(name);
        if (skipUnsetEnv && value == null) {
          return "${" + name + "/" + pattern + "/" + replacement + "}";
        }
        return ShellGlob.replace(pattern, replacement, value == null ? "" : value, all);
      }
      default:
        throw new LexError("unsupported modifier (" + modifier + ") in substitution");
    }
  }

  /** ${NAME-word}, ${NAME+word}, ${NAME?msg}, ${NAME#pat}, ${NAME%pat}; with ':' (nullIsUnset) empty counts as unset. */
  private String substitute(String name, int op, boolean nullIsUnset, String modifier) throws LexError {
    boolean pattern = op == '#' || op == '%';
    String word;
    try {
      word = processStopOn('}', pattern).word();
    } catch (LexError e) {
      if (peek() == EOF) {
        throw new LexError("syntax error: missing '}'");
      }
      throw e;
    }
    String value = env.get(name);
    boolean set = value != null;
    if (skipUnsetEnv && !set) {
      return "${" + name + modifier + word + "}";
    }
    boolean empty = !set || (nullIsUnset && value.isEmpty());
    switch (op) {
      case '-':
        return empty ? word : value;
      case '+':
        return empty ? "" : word;
      case '?':
        if (!set) {
          throw new LexError(name + ": " + (word.isEmpty() ? "is not allowed to be unset" : word));
        }
        if (nullIsUnset && value.isEmpty()) {
          throw new LexError(name + ": " + (word.isEmpty() ? "is not allowed to be empty" : word));
        }
        return value;
      default: {
        boolean longest = !word.isEmpty() && word.charAt(0) == op;
        String p = longest ? word.substring(1) : word;
        String v = set ? value : "";
        return op == '#' ? ShellGlob.trimPrefix(p, v, longest) : ShellGlob.trimSuffix(p, v, longest);
      }
    }
  }

  /** A variable name: letters, digits and '_'; or a run of digits; or one special parameter. */
  private String name() {
    StringBuilder name = new StringBuilder();
    while (peek() != EOF) {
      int ch = peek();
      if (name.length() == 0 && Character.isDigit(ch)) {
        while (peek() != EOF && Character.isDigit(peek())) {
          name.append((char) next());
        }
        return name.toString();
      }
      if (name.length() == 0 && "@*#?-$!0".indexOf(ch) >= 0) {
        next();
        return String.valueOf((char) ch);
      }
      if (!Character.isLetterOrDigit(ch) && ch != '_') {
        break;
      }
      name.append((char) next());
    }
    return name.toString();
  }
}

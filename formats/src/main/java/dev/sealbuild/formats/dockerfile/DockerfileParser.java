package dev.sealbuild.formats.dockerfile;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.sealbuild.formats.text.EditDistance;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Dockerfile syntax as BuildKit's dockerfile frontend reads it (frontend/dockerfile/parser and the checks of
 * frontend/dockerfile/instructions): parser directives, comments, line continuations, flags, the exec (JSON) and
 * shell forms, heredocs and ONBUILD triggers. Anything BuildKit refuses is a {@link DockerfileException} naming the
 * file and line; no other exception leaves {@link #parse}.
 */
public final class DockerfileParser {
  /** Larger files are refused before parsing (a Dockerfile is source code, not data). */
  public static final int MAX_CHARS = 1 << 20;
  /** Longer physical lines are refused. */
  public static final int MAX_LINE_CHARS = 65_535; // BuildKit's bufio.Scanner limit
  /** More instructions are refused. */
  public static final int MAX_INSTRUCTIONS = 10_000;

  private static final Pattern DIRECTIVE = Pattern.compile(
      "^#[ \t\n\f\r]*([a-zA-Z][a-zA-Z0-9]*)[ \t\n\f\r]*=[ \t\n\f\r]*(.+?)[ \t\n\f\r]*\\z", Pattern.UNIX_LINES);
  private static final Pattern WHITESPACE = Pattern.compile("[\t\u000b\f\r ]+");
  private static final Pattern HEREDOC = Pattern.compile("^(\\d*)<<(-?)([^<]*)$");
  private static final Pattern BACKSLASH_CONTINUATION = continuationPattern('\\');
  private static final Pattern BACKTICK_CONTINUATION = continuationPattern('`');
  private static final JsonMapper JSON = JsonMapper.builder()
      .disable(JsonReadFeature.ALLOW_JAVA_COMMENTS, JsonReadFeature.ALLOW_SINGLE_QUOTES,
          JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES, JsonReadFeature.ALLOW_TRAILING_COMMA,
          JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS, JsonReadFeature.ALLOW_LEADING_DECIMAL_POINT_FOR_NUMBERS)
      .build();

  private DockerfileParser() {}

  /**
   * BuildKit's line-continuation rule: the escape character as the last non-blank character, unless it is itself
   * escaped (preceded by another escape character), or alone on its line.
   */
  private static Pattern continuationPattern(char escape) {
    String e = Pattern.quote(String.valueOf(escape));
    String notE = escape == '\\' ? "[^\\\\]" : "[^`]";
    return Pattern.compile("(?:(" + notE + ")" + e + "[ \t]*\\z|^" + e + "[ \t]*\\z)");
  }

  public static Dockerfile parse(String text, String file) throws DockerfileException {
    if (text.length() > MAX_CHARS) {
      throw new DockerfileException(file, 0, "the file is larger than " + MAX_CHARS / 1024
          + " KiB; a Dockerfile that large is refused");
    }
    try {
      return new Run(text, file).parse();
    } catch (DockerfileException e) {
      throw e;
    } catch (RuntimeException | StackOverflowError e) {
      // a bug here must still read as a refusal of this input, never crash a fuzzer or a build
      throw new DockerfileException(file, 0, "cannot parse this Dockerfile (" + e.getClass().getSimpleName() + ")");
    }
  }

  /** One physical line: its text without the line ending, and the raw text with it (for heredoc bodies). */
  private record Line(String text, String raw) {}

  private static final class Run {
    private final String file;
    private final List<Line> lines = new ArrayList<>();
    private final Map<String, String> directives = new LinkedHashMap<>();
    private boolean directivesDone;
    private char escape = '\\';
    private Pattern continuation = BACKSLASH_CONTINUATION;
    private int next; // index of the next physical line

    Run(String text, String file) {
      this.file = file;
      int start = 0;
      while (start < text.length()) {
        int nl = text.indexOf('\n', start);
        int end = nl < 0 ? text.length() : nl + 1;
        String raw = text.substring(start, end);
        if (raw.length() > MAX_LINE_CHARS) {
          throw new DockerfileException(file, lines.size() + 1, "line longer than " + MAX_LINE_CHARS
              + " characters");
        }
        String t = raw;
        int e = t.length();
        while (e > 0 && (t.charAt(e - 1) == '\n' || t.charAt(e - 1) == '\r')) {
          e--;
        }
        t = t.substring(0, e);
        if (lines.isEmpty() && t.startsWith("\uFEFF")) {
          t = t.substring(1); // a byte-order mark on the first line is dropped, as BuildKit does
        }
        lines.add(new Line(t, raw));
        start = end;
      }
    }

    /** The line without its continuation character, or null when it does not continue. */
    private String continued(String line) {
      Matcher m = continuation.matcher(line);
      if (!m.find()) {
        return null;
      }
      return line.substring(0, m.start()) + (m.group(1) == null ? "" : m.group(1));
    }

    private DockerfileException error(int line, String reason) {
      return new DockerfileException(file, line, reason);
    }

    Dockerfile parse() {
      List<Instruction> instructions = new ArrayList<>();
      while (next < lines.size()) {
        int startIndex = next;
        String first = processLine(lines.get(next++).text(), true, startIndex + 1);
        String cut = continued(first);
        boolean endOfLine = cut == null;
        String line = endOfLine ? first : cut;
        if (endOfLine && line.isEmpty()) {
          continue;
        }
        while (!endOfLine && next < lines.size()) {
          String original = lines.get(next).text();
          String processed = processLine(original, false, next + 1);
          next++;
          if (isComment(original)) {
            continue; // a comment inside a continued instruction is dropped
          }
          if (ltrim(processed).isEmpty()) {
            continue; // an empty continuation line is skipped (BuildKit warns, then goes on)
          }
          String rest = continued(processed);
          endOfLine = rest == null;
          line += endOfLine ? processed : rest;
        }
        int startLine = startIndex + 1;
        if (instructions.size() >= MAX_INSTRUCTIONS) {
          throw error(startLine, "more than " + MAX_INSTRUCTIONS + " instructions");
        }
        instructions.add(instruction(line, startLine));
      }
      if (instructions.isEmpty()) {
        throw error(Math.max(1, lines.size()), "file with no instructions");
      }
      checkStages(instructions);
      return new Dockerfile(file, directives, instructions);
    }

    /** BuildKit's instructions.Parse: only ARG may come before the first FROM, and there must be a FROM. */
    private void checkStages(List<Instruction> instructions) {
      boolean stage = false;
      for (Instruction i : instructions) {
        if (i.keyword().equals("FROM")) {
          stage = true;
        } else if (!stage && !i.keyword().equals("ARG")) {
          throw error(i.line(), i.keyword() + " before the first FROM: no build stage in current context");
        }
      }
      if (!stage) {
        throw error(instructions.get(instructions.size() - 1).line(),
            "dockerfile contains no stages to build (no FROM instruction)");
      }
    }

    /** BuildKit's processLine: drop the line ending (done), maybe leading blanks, a whole-line comment; directives. */
    private String processLine(String text, boolean stripLeft, int lineNo) {
      String token = stripLeft ? ltrim(text) : text;
      possibleDirective(token, lineNo);
      return token.startsWith("#") ? "" : token;
    }

    private void possibleDirective(String token, int lineNo) {
      if (directivesDone) {
        return;
      }
      Matcher m = DIRECTIVE.matcher(token);
      if (!m.matches()) {
        directivesDone = true;
        return;
      }
      String key = m.group(1).toLowerCase(Locale.ROOT);
      if (!key.equals("syntax") && !key.equals("escape") && !key.equals("check")) {
        directivesDone = true; // an unknown directive is a comment, and ends the directives
        return;
      }
      if (directives.containsKey(key)) {
        throw error(lineNo, "only one " + key + " parser directive can be used");
      }
      String value = m.group(2);
      if (key.equals("escape")) {
        if (!value.equals("`") && !value.equals("\\")) {
          throw error(lineNo, "invalid escape token '" + value + "' does not match ` or \\");
        }
        escape = value.charAt(0);
        continuation = escape == '\\' ? BACKSLASH_CONTINUATION : BACKTICK_CONTINUATION;
      }
      directives.put(key, value);
    }

    private static boolean isComment(String text) {
      return ltrim(text).startsWith("#");
    }

    /** One logical line (an instruction, or an ONBUILD's trigger) into an instruction. */
    private Instruction instruction(String line, int startLine) {
      String trimmed = line.strip();
      String[] split = WHITESPACE.split(trimmed, 2);
      String word = split[0];
      String keyword = word.toUpperCase(Locale.ROOT);
      String rest = split.length == 2 ? split[1] : "";
      FlagSplit fs;
      try {
        fs = extractFlags(rest);
      } catch (ShellLexer.LexError e) {
        throw error(startLine, e.getMessage());
      }
      String argText = fs.rest().strip();
      if (!InstructionRules.KEYWORDS.contains(keyword)) {
        throw error(startLine, "unknown instruction: " + word + suggestion(keyword));
      }
      Instruction onbuild = null;
      List<String> json = null;
      List<Heredoc> heredocs = List.of();
      try {
        switch (keyword) {
          case "CMD", "ENTRYPOINT", "RUN", "SHELL", "ADD", "COPY", "VOLUME" -> json = maybeJson(argText);
          case "HEALTHCHECK" -> json = maybeJson(healthCommand(argText));
          default -> { }
        }
      } catch (ShellLexer.LexError e) {
        throw error(startLine, keyword + ": " + e.getMessage());
      }
      if (keyword.equals("ONBUILD")) {
        if (argText.isEmpty()) {
          throw error(startLine, "ONBUILD requires at least one argument");
        }
        String sub = WHITESPACE.split(argText, 2)[0].toUpperCase(Locale.ROOT);
        if (sub.equals("ONBUILD")) {
          throw error(startLine, "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
        }
        if (sub.equals("MAINTAINER") || sub.equals("FROM")) {
          throw error(startLine, sub + " isn't allowed as an ONBUILD trigger");
        }
        onbuild = instruction(argText, startLine);
        heredocs = onbuild.heredocs();
      } else if ((keyword.equals("RUN") || keyword.equals("COPY") || keyword.equals("ADD"))
          && json == null && line.contains("<<")) {
        heredocs = heredocBodies(line, startLine);
      }
      int endLine = next; // 1-based number of the last line consumed
      Arguments args = new Arguments(argText, json);
      Instruction parsed = new Instruction(keyword, startLine, endLine, fs.flags(), args, heredocs, onbuild);
      try {
        checkInstruction(parsed);
      } catch (ShellLexer.LexError e) {
        throw error(startLine, e.getMessage());
      }
      return parsed;
    }

    private static String suggestion(String keyword) {
      String best = null;
      int bestDistance = Integer.MAX_VALUE;
      for (String k : InstructionRules.KEYWORDS) {
        int d = EditDistance.between(keyword, k);
        if (d < bestDistance || d == bestDistance && best != null && k.compareTo(best) < 0) {
          best = k;
          bestDistance = d;
        }
      }
      return bestDistance <= 2 ? " (did you mean " + best + "?)" : "";
    }

    /** The command part of HEALTHCHECK's arguments: what follows its first word (CMD or NONE). */
    private static String healthCommand(String args) {
      int sep = 0;
      while (sep < args.length() && !Character.isWhitespace(args.charAt(sep))) {
        sep++;
      }
      return args.substring(sep).strip();
    }

    /**
     * BuildKit's parseJSON: the exec form only when the text (after leading blanks) starts with '[' and is a JSON
     * array; a JSON array holding anything but strings is an error; any other text is the shell form.
     */
    private static List<String> maybeJson(String text) throws ShellLexer.LexError {
      String t = ltrim(text);
      if (!t.startsWith("[")) {
        return null;
      }
      List<String> values = new ArrayList<>();
      try (JsonParser p = JSON.createParser(t)) {
        if (p.nextToken() != JsonToken.START_ARRAY) {
          return null;
        }
        boolean notString = false;
        JsonToken tok;
        while ((tok = p.nextToken()) != JsonToken.END_ARRAY) {
          if (tok == null) {
            return null;
          }
          if (tok == JsonToken.VALUE_STRING) {
            values.add(p.getText());
          } else {
            notString = true;
            if (tok == JsonToken.START_ARRAY || tok == JsonToken.START_OBJECT) {
              p.skipChildren();
            }
          }
        }
        if (p.nextToken() != null) {
          return null; // text after the array: not JSON, so the shell form
        }
        if (notString) {
          throw new ShellLexer.LexError("when using JSON array syntax, arrays must be comprised of strings only");
        }
        return values;
      } catch (IOException e) {
        return null;
      }
    }

    /** The bodies of the heredocs named on this instruction's line, read from the lines that follow it. */
    private List<Heredoc> heredocBodies(String line, int startLine) {
      List<String> words;
      try {
        words = new ShellLexer('\\', Map.of(), true, true).processRawEscapes(line);
      } catch (ShellLexer.LexError e) {
        words = List.of(); // BuildKit ignores a lexing error here; the line itself is checked elsewhere
      }
      List<Heredoc> docs = new ArrayList<>();
      for (String word : words) {
        Heredoc h;
        try {
          h = parseHeredocWord(word);
        } catch (ShellLexer.LexError e) {
          throw error(startLine, e.getMessage());
        }
        if (h == null) {
          continue;
        }
        StringBuilder content = new StringBuilder();
        boolean terminated = false;
        while (next < lines.size()) {
          Line l = lines.get(next++);
          String candidate = h.chomp() ? l.text().replaceFirst("^\t+", "") : l.text();
          if (candidate.equals(h.name())) {
            terminated = true;
            break;
          }
          content.append(l.raw());
        }
        if (!terminated) {
          throw error(startLine, "unterminated heredoc " + h.name() + ": no line '" + h.name()
              + "' ends it");
        }
        String body = h.chomp() ? content.toString().replaceAll("(?m)^\t+", "") : content.toString();
        docs.add(new Heredoc(h.name(), body, h.expand(), h.chomp()));
      }
      return docs;
    }

    private record FlagSplit(List<Flag> flags, String rest) {}

    /**
     * BuildKit's extractBuilderFlags: leading words that start with "--" are flags (quotes and backslashes
     * processed); "--" alone ends them; the first other word starts the arguments.
     */
    private static FlagSplit extractFlags(String line) throws ShellLexer.LexError {
      List<String> words = new ArrayList<>();
      int pos = 0;
      int n = line.length();
      while (true) {
        while (pos < n && Character.isWhitespace(line.charAt(pos))) {
          pos++;
        }
        if (pos >= n) {
          return new FlagSplit(toFlags(words), "");
        }
        if (!line.startsWith("--", pos)) {
          return new FlagSplit(toFlags(words), line.substring(pos));
        }
        StringBuilder word = new StringBuilder();
        boolean blankOk = false;
        char quote = 0;
        while (pos < n) {
          char ch = line.charAt(pos);
          if (quote == 0 && Character.isWhitespace(ch)) {
            break;
          }
          if (quote != 0 && ch == quote) {
            quote = 0;
            pos++;
            continue;
          }
          if (quote == 0 && (ch == '\'' || ch == '"')) {
            quote = ch;
            blankOk = true;
            pos++;
            continue;
          }
          if (ch == '\\') {
            if (pos + 1 == n) {
              pos++;
              continue;
            }
            pos++;
            ch = line.charAt(pos);
          }
          word.append(ch);
          pos++;
        }
        String w = word.toString();
        if (w.equals("--") && quote == 0 && pos < n) {
          return new FlagSplit(toFlags(words), line.substring(pos));
        }
        if (!w.equals("--") && (blankOk || !w.isEmpty())) {
          words.add(w);
        }
        if (pos >= n) {
          return new FlagSplit(toFlags(words), "");
        }
      }
    }

    private static List<Flag> toFlags(List<String> words) throws ShellLexer.LexError {
      List<Flag> flags = new ArrayList<>();
      for (String w : words) {
        if (!w.startsWith("--")) {
          throw new ShellLexer.LexError("flag should start with -- : " + w);
        }
        String body = w.substring(2);
        int eq = body.indexOf('=');
        flags.add(eq < 0 ? new Flag(body, null) : new Flag(body.substring(0, eq), body.substring(eq + 1)));
      }
      return flags;
    }

    /** BuildKit's per-instruction checks (instructions/parse.go): flags and argument counts. */
    private void checkInstruction(Instruction i) throws ShellLexer.LexError {
      String k = i.keyword();
      String text = i.args().text();
      // BuildKit never parses the flags of ARG, STOPSIGNAL and HEALTHCHECK NONE: they are accepted and ignored
      boolean flagsIgnored = k.equals("ARG") || k.equals("STOPSIGNAL")
          || k.equals("HEALTHCHECK") && WHITESPACE.split(text, 2)[0].equalsIgnoreCase("NONE");
      if (!flagsIgnored) {
        InstructionRules.checkFlags(k, i.flags());
      }
      List<String> words = i.args().isExec() ? i.args().json()
          : text.isEmpty() ? List.of() : List.of(WHITESPACE.split(text, -1));
      switch (k) {
        case "FROM" -> {
          if (words.size() == 3 && words.get(1).equalsIgnoreCase("as")) {
            String name = words.get(2).toLowerCase(Locale.ROOT);
            if (!name.matches("[a-z][a-z0-9-_.]*")) {
              throw new ShellLexer.LexError("invalid name for build stage: \"" + words.get(2)
                  + "\", name can't start with a number or contain symbols");
            }
          } else if (words.size() != 1) {
            throw new ShellLexer.LexError("FROM requires either one or three arguments (FROM image [AS name])");
          }
        }
        case "COPY", "ADD" -> {
          if (words.size() < 2) {
            throw new ShellLexer.LexError(k + " requires at least two arguments, but only " + (words.isEmpty()
                ? "none was" : "one was") + " provided. Destination could not be determined");
          }
          if (parseHeredocWord(words.get(words.size() - 1)) != null) {
            throw new ShellLexer.LexError(k + " cannot accept a heredoc as a destination");
          }
        }
        case "ENV", "LABEL" -> DockerfileWords.keyValuesOrLex(k, text, escape);
        case "ARG" -> {
          List<String> argWords = DockerfileWords.parseWords(text, escape);
          if (argWords.isEmpty()) {
            throw new ShellLexer.LexError("ARG requires at least one argument");
          }
          for (String w : argWords) {
            if (w.startsWith("=")) {
              throw new ShellLexer.LexError("ARG names can not be blank");
            }
          }
        }
        case "MAINTAINER", "WORKDIR", "USER", "STOPSIGNAL" -> {
          if (text.isEmpty()) {
            throw new ShellLexer.LexError(k + " requires exactly one argument");
          }
        }
        case "EXPOSE", "VOLUME" -> {
          if (words.isEmpty()) {
            throw new ShellLexer.LexError(k + " requires at least one argument");
          }
          if (k.equals("VOLUME") && words.stream().anyMatch(v -> v.strip().isEmpty())) {
            throw new ShellLexer.LexError("VOLUME specified can not be an empty string");
          }
        }
        case "SHELL" -> {
          if (text.isEmpty() || i.args().isExec() && i.args().json().isEmpty()) {
            throw new ShellLexer.LexError("SHELL requires at least one argument");
          }
          if (!i.args().isExec()) {
            throw new ShellLexer.LexError("SHELL requires the arguments to be in JSON form, e.g. SHELL "
                + "[\"/bin/sh\", \"-c\"]");
          }
        }
        case "HEALTHCHECK" -> checkHealthcheck(i);
        default -> { }
      }
    }

    private static void checkHealthcheck(Instruction i) throws ShellLexer.LexError {
      String text = i.args().text();
      if (text.isEmpty()) {
        throw new ShellLexer.LexError("HEALTHCHECK requires at least one argument");
      }
      String type = WHITESPACE.split(text, 2)[0].toUpperCase(Locale.ROOT);
      String command = healthCommand(text);
      if (type.equals("NONE")) {
        if (!command.isEmpty()) {
          throw new ShellLexer.LexError("HEALTHCHECK NONE takes no arguments");
        }
        return;
      }
      if (!type.equals("CMD")) {
        throw new ShellLexer.LexError("unknown type \"" + type + "\" in HEALTHCHECK (try CMD)");
      }
      if (command.isEmpty() || i.args().isExec() && i.args().json().isEmpty()) {
        throw new ShellLexer.LexError("missing command after HEALTHCHECK CMD");
      }
      for (String name : List.of("interval", "timeout", "start-period", "start-interval")) {
        String v = i.flag(name);
        if (v != null && !v.isEmpty()) {
          long nanos = GoDuration.parseNanos(v);
          if (nanos != 0 && nanos < 1_000_000L) {
            throw new ShellLexer.LexError("Interval \"" + name + "\" cannot be less than 1ms");
          }
        }
      }
      String retries = i.flag("retries");
      if (retries != null && !retries.isEmpty()) {
        long r;
        try {
          r = Long.parseLong(retries);
        } catch (NumberFormatException e) {
          throw new ShellLexer.LexError("--retries: not a number: " + retries);
        }
        if (r < 0) {
          throw new ShellLexer.LexError("--retries cannot be negative (" + r + ")");
        }
        if (r > Integer.MAX_VALUE) {
          throw new ShellLexer.LexError("--retries: value out of range: " + retries);
        }
      }
    }
  }

  /**
   * BuildKit's ParseHeredoc for one lexed word ({@code <<EOF}, {@code <<-EOF}, {@code <<'EOF'}, {@code 3<<EOF}):
   * null when the word is not a heredoc. The body is left empty. The content is expanded unless some part of the
   * delimiter was quoted (BuildKit compares the quotes left with and without quote removal).
   */
  static Heredoc parseHeredocWord(String word) throws ShellLexer.LexError {
    Matcher m = HEREDOC.matcher(word);
    if (!m.matches() || m.group(3).isEmpty()) {
      return null;
    }
    boolean chomp = m.group(2).equals("-");
    String rest = m.group(3);
    List<String> words = new ShellLexer('\\', Map.of(), false, true).process(rest).words();
    if (words.size() != 1) {
      return null;
    }
    List<String> raw = new ShellLexer('\\', Map.of(), true, true).process(rest).words();
    if (raw.size() != 1) {
      throw new ShellLexer.LexError("internal lexing of heredoc produced inconsistent results: " + rest);
    }
    String name = words.get(0);
    return new Heredoc(name, "", quotes(name) == quotes(raw.get(0)), chomp);
  }

  private static long quotes(String s) {
    return s.chars().filter(c -> c == '\'' || c == '"').count();
  }

  static String ltrim(String s) {
    int i = 0;
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    return s.substring(i);
  }
}

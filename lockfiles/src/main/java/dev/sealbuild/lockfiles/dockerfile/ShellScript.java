package dev.sealbuild.lockfiles.dockerfile;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Takes a {@code RUN} command line apart only as far as is safe: into the simple commands joined at its top level by
 * {@code &&}, {@code ;} or newlines, each split into words. A script with control flow ({@code if}, {@code for},
 * {@code ||}, subshells) is kept whole, so that dropping a part can never change what the rest does.
 */
final class ShellScript {
  /** One simple command and the operator that joined it to the one before ("" for the first). */
  record Segment(String text, String joinedBy) {}

  private static final Set<String> CONTROL = Set.of("if", "then", "else", "elif", "fi", "for", "while", "until", "do",
      "done", "case", "esac", "function", "select", "{", "}");

  private ShellScript() {}

  /** The top-level simple commands, or empty when the script is not a plain list of them. */
  static Optional<List<Segment>> split(String script) {
    List<Segment> segments = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    String joinedBy = "";
    char quote = 0;
    int depth = 0;
    for (int i = 0; i < script.length(); i++) {
      char c = script.charAt(i);
      if (quote != 0) {
        current.append(c);
        if (c == '\\' && quote == '"' && i + 1 < script.length()) {
          current.append(script.charAt(++i));
        } else if (c == quote) {
          quote = 0;
        }
        continue;
      }
      switch (c) {
        case '\\' -> {
          if (i + 1 < script.length() && script.charAt(i + 1) == '\n') {
            current.append(' ');
            i++;
          } else {
            current.append(c);
            if (i + 1 < script.length()) {
              current.append(script.charAt(++i));
            }
          }
        }
        case '\'', '"', '`' -> {
          quote = c;
          current.append(c);
        }
        case '(' -> {
          if (i == 0 || script.charAt(i - 1) != '$') {
            if (current.toString().isBlank()) {
              return Optional.empty(); // a subshell
            }
          }
          depth++;
          current.append(c);
        }
        case ')' -> {
          depth--;
          current.append(c);
        }
        case '&', ';', '\n', '|' -> {
          if (depth > 0) {
            current.append(c);
            break;
          }
          if (c == '&' && i + 1 < script.length() && script.charAt(i + 1) == '&') {
            if (!add(segments, current, joinedBy)) {
              return Optional.empty();
            }
            joinedBy = "&&";
            i++;
          } else if (c == ';' || c == '\n') {
            if (c == ';' && i + 1 < script.length() && script.charAt(i + 1) == ';') {
              return Optional.empty(); // case arms
            }
            if (current.toString().isBlank()) {
              break; // an empty line, or "cmd;\n"
            }
            add(segments, current, joinedBy);
            joinedBy = c == '\n' ? "\n" : ";";
          } else if (c == '|' && i + 1 < script.length() && script.charAt(i + 1) == '|') {
            return Optional.empty();
          } else if (c == '&') {
            if (i + 1 < script.length() && script.charAt(i + 1) == '>' || i > 0 && script.charAt(i - 1) == '>') {
              current.append(c); // &> and >&
            } else {
              return Optional.empty(); // a background job
            }
          } else {
            current.append(c); // a pipe stays inside its segment
          }
        }
        default -> current.append(c);
      }
    }
    if (quote != 0 || depth != 0) {
      return Optional.empty();
    }
    if (!current.toString().isBlank() && !add(segments, current, joinedBy)) {
      return Optional.empty();
    }
    for (Segment s : segments) {
      List<String> w = roughWords(s.text());
      if (!w.isEmpty() && CONTROL.contains(w.get(0))) {
        return Optional.empty();
      }
    }
    return Optional.of(segments);
  }

  private static boolean add(List<Segment> segments, StringBuilder current, String joinedBy) {
    String text = current.toString().strip();
    current.setLength(0);
    if (text.isEmpty()) {
      return false;
    }
    segments.add(new Segment(text, joinedBy));
    return true;
  }

  /**
   * The words of a simple command with its quotes removed, or empty when it holds anything that is not a plain word
   * (a pipe, a redirection, a command substitution); glob characters are kept as written: such a command is kept as it is.
   */
  static Optional<List<String>> words(String command) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    for (int i = 0; i < command.length(); i++) {
      char c = command.charAt(i);
      if (c == '\'') {
        int end = command.indexOf('\'', i + 1);
        if (end < 0) {
          return Optional.empty();
        }
        word.append(command, i + 1, end);
        i = end;
        inWord = true;
      } else if (c == '"') {
        int j = i + 1;
        for (; j < command.length() && command.charAt(j) != '"'; j++) {
          char d = command.charAt(j);
          if (d == '`' || d == '$' && j + 1 < command.length() && command.charAt(j + 1) == '(') {
            return Optional.empty();
          }
          if (d == '\\' && j + 1 < command.length() && "\"\\$`".indexOf(command.charAt(j + 1)) >= 0) {
            d = command.charAt(++j);
          }
          word.append(d);
        }
        if (j >= command.length()) {
          return Optional.empty();
        }
        i = j;
        inWord = true;
      } else if (c == '\\' && i + 1 < command.length()) {
        word.append(command.charAt(++i));
        inWord = true;
      } else if (Character.isWhitespace(c)) {
        if (inWord) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
      } else if (c == '$' && i + 1 < command.length() && command.charAt(i + 1) == '{') {
        int end = command.indexOf('}', i + 2);
        if (end < 0 || command.substring(i + 2, end).matches(".*[\\s'\"`$(){].*")) {
          return Optional.empty();
        }
        word.append(command, i, end + 1); // ${VAR} stays for the caller to expand, like $VAR
        i = end;
        inWord = true;
      } else if ("|<>`(){}".indexOf(c) >= 0 || c == '$' && i + 1 < command.length() && command.charAt(i + 1) == '(') {
        return Optional.empty();
      } else {
        word.append(c);
        inWord = true;
      }
    }
    if (inWord) {
      words.add(word.toString());
    }
    return Optional.of(words);
  }

  private static List<String> roughWords(String text) {
    List<String> out = new ArrayList<>();
    for (String w : text.strip().split("\\s+")) {
      if (!w.isEmpty()) {
        out.add(w);
      }
    }
    return out;
  }
}

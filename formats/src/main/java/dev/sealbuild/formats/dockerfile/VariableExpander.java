package dev.sealbuild.formats.dockerfile;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Variable expansion as BuildKit's shell lexer does it for ENV, ARG, LABEL, COPY, ADD, WORKDIR, USER, EXPOSE,
 * FROM and the others (not RUN, CMD or ENTRYPOINT in shell form: their shell does that): {@code $VAR}, {@code ${VAR}},
 * {@code ${VAR:-word}}, {@code ${VAR-word}}, {@code ${VAR:+word}}, {@code ${VAR+word}}, {@code ${VAR:?msg}},
 * {@code ${VAR?msg}}, {@code ${VAR#pat}}, {@code ${VAR##pat}}, {@code ${VAR%pat}}, {@code ${VAR%%pat}},
 * {@code ${VAR/pat/repl}}, {@code ${VAR//pat/repl}}; nothing inside single quotes; the escape character makes the
 * next character literal; an unset variable expands to "". Quotes are removed.
 */
public final class VariableExpander {
  private final Map<String, String> variables;
  private final char escape;
  private final String file;

  public VariableExpander(Map<String, String> variables, char escape, String file) {
    this.variables = Map.copyOf(variables);
    this.escape = escape;
    this.file = file;
  }

  /** BuildKit's ProcessWord: one word in, one word out (blanks from a value do not split it). */
  public String expand(String word, int line) throws DockerfileException {
    try {
      return new ShellLexer(escape, variables, false, false).process(word).word();
    } catch (ShellLexer.LexError e) {
      throw new DockerfileException(file, line, "failed to process \"" + word + "\": " + e.getMessage());
    }
  }

  /**
   * The body of an unquoted here-document of COPY or ADD, as BuildKit expands it: variables replaced, quotes and
   * escape characters kept as written.
   */
  public String expandHeredoc(String content, int line) throws DockerfileException {
    try {
      return new ShellLexer(escape, variables, true, false).processRawWord(content);
    } catch (ShellLexer.LexError e) {
      throw new DockerfileException(file, line, "failed to expand the here-document: " + e.getMessage());
    }
  }

  /**
   * BuildKit's ProcessWords: expands and then splits on unquoted blanks, blanks in expanded values included
   * ({@code EXPOSE $PORTS} with PORTS="80 443" gives two words); quoted text stays one word.
   */
  public List<String> expandWords(String text, int line) throws DockerfileException {
    try {
      return List.copyOf(new ShellLexer(escape, variables, false, false).process(text).words());
    } catch (ShellLexer.LexError e) {
      throw new DockerfileException(file, line, "failed to process \"" + text + "\": " + e.getMessage());
    }
  }

  /**
   * Each word through {@link #expand}, as BuildKit does for COPY and ADD sources and destination, VOLUME, FROM:
   * pass {@link DockerfileWords#rawWords} (shell form) or the exec form's strings.
   */
  public List<String> expandEach(List<String> words, int line) throws DockerfileException {
    List<String> out = new ArrayList<>(words.size());
    for (String w : words) {
      out.add(expand(w, line));
    }
    return List.copyOf(out);
  }
}

package dev.sealbuild.formats.dockerfile;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What BuildKit's instructions package checks per instruction once the line is parsed: which flags it takes (and
 * their kinds) and how many arguments it needs. Messages follow BuildKit's wording.
 */
final class InstructionRules {
  enum Kind { BOOL, STRING, STRINGS }

  private static final Map<String, Map<String, Kind>> FLAGS = Map.ofEntries(
      Map.entry("FROM", Map.of("platform", Kind.STRING)),
      Map.entry("RUN", Map.of("mount", Kind.STRINGS, "network", Kind.STRING, "security", Kind.STRING,
          "device", Kind.STRINGS)),
      Map.entry("COPY", Map.of("from", Kind.STRING, "chown", Kind.STRING, "chmod", Kind.STRING, "link", Kind.BOOL,
          "parents", Kind.BOOL, "exclude", Kind.STRINGS)),
      Map.entry("ADD", Map.of("chown", Kind.STRING, "chmod", Kind.STRING, "link", Kind.BOOL,
          "keep-git-dir", Kind.BOOL, "checksum", Kind.STRING, "exclude", Kind.STRINGS, "unpack", Kind.BOOL)),
      Map.entry("HEALTHCHECK", Map.of("interval", Kind.STRING, "timeout", Kind.STRING, "start-period", Kind.STRING,
          "start-interval", Kind.STRING, "retries", Kind.STRING)));

  static final Set<String> KEYWORDS = Set.of("ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM",
      "HEALTHCHECK", "LABEL", "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR");

  private InstructionRules() {}

  /** BuildKit's BFlags.Parse: known names only, one value per flag unless it may repeat, bools true/false. */
  static void checkFlags(String keyword, List<Flag> flags) throws ShellLexer.LexError {
    Map<String, Kind> allowed = FLAGS.getOrDefault(keyword, Map.of());
    Set<String> used = new HashSet<>();
    for (Flag flag : flags) {
      Kind kind = allowed.get(flag.name());
      if (kind == null) {
        String hint = allowed.isEmpty() ? " (" + keyword + " takes no flags)"
            : " (" + keyword + " takes --" + String.join(", --", allowed.keySet().stream().sorted().toList()) + ")";
        throw new ShellLexer.LexError("unknown flag: --" + flag.name() + hint);
      }
      if (!used.add(flag.name()) && kind != Kind.STRINGS) {
        throw new ShellLexer.LexError("duplicate flag specified: --" + flag.name());
      }
      switch (kind) {
        case BOOL -> {
          if (flag.value() != null && !flag.value().equalsIgnoreCase("true")
              && !flag.value().equalsIgnoreCase("false")) {
            throw new ShellLexer.LexError(flag.value().isEmpty() ? "missing a value on flag: --" + flag.name()
                : "expecting boolean value for flag --" + flag.name() + ", not: " + flag.value());
          }
        }
        case STRING, STRINGS -> {
          if (flag.value() == null) {
            throw new ShellLexer.LexError("missing a value on flag: --" + flag.name());
          }
        }
      }
    }
  }
}

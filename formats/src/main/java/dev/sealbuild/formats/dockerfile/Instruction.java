package dev.sealbuild.formats.dockerfile;

import java.util.List;

/**
 * One instruction.
 *
 * @param keyword upper case: FROM, RUN, COPY, ...
 * @param line 1-based line of the instruction's first line
 * @param endLine its last line (continuations and heredoc bodies included)
 * @param flags {@code --name=value} / {@code --name} before the arguments, in order, repeats kept; quotes and
 *     backslashes in them already processed (BuildKit's extractBuilderFlags). Checked against the instruction's
 *     flags, except for ARG, STOPSIGNAL and HEALTHCHECK NONE, whose flags BuildKit accepts and ignores
 * @param args what follows the flags
 * @param heredocs heredoc bodies in the order their delimiters appear
 * @param onbuild for ONBUILD, the parsed trigger instruction (same lines); else null
 */
public record Instruction(String keyword, int line, int endLine, List<Flag> flags, Arguments args,
    List<Heredoc> heredocs, Instruction onbuild) {
  public Instruction {
    flags = List.copyOf(flags);
    heredocs = List.copyOf(heredocs);
  }

  /** The values of every {@code --name} flag, in order (a bare flag gives null). */
  public List<String> flagValues(String name) {
    return flags.stream().filter(f -> f.name().equals(name)).map(Flag::value).toList();
  }

  /** The last value of flag {@code name}, or null when absent (or bare). */
  public String flag(String name) {
    String value = null;
    for (Flag f : flags) {
      if (f.name().equals(name)) {
        value = f.value();
      }
    }
    return value;
  }

  public boolean hasFlag(String name) {
    return flags.stream().anyMatch(f -> f.name().equals(name));
  }
}

package dev.sealbuild.formats.dockerfile;

import java.util.List;
import java.util.Map;

/**
 * A parsed Dockerfile: its parser directives (keys lower-cased: {@code syntax}, {@code escape}, {@code check}) and
 * its instructions in order. Only the syntax is checked here; meaning belongs to the translator.
 */
public record Dockerfile(String file, Map<String, String> directives, List<Instruction> instructions) {
  public Dockerfile {
    directives = Map.copyOf(directives);
    instructions = List.copyOf(instructions);
  }

  /** The escape character: {@code `} when {@code # escape=`} was given, else {@code \}. */
  public char escape() {
    String e = directives.get("escape");
    return e == null ? '\\' : e.charAt(0);
  }
}

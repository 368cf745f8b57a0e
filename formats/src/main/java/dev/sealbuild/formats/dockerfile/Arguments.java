package dev.sealbuild.formats.dockerfile;

import java.util.List;

/**
 * What follows an instruction's flags.
 *
 * <p>For HEALTHCHECK, {@code text} is the whole rest ({@code CMD ...} or {@code NONE}) and {@code json} is the exec
 * form of the command after CMD. For ONBUILD, {@code text} is the trigger instruction as written.
 *
 * @param text the raw text after the flags, continuations joined as BuildKit joins them (escape-newline removed),
 *     comment lines inside continuations dropped, trimmed
 * @param json the strings of the exec (JSON) form, or null for the shell form
 */
public record Arguments(String text, List<String> json) {
  public Arguments {
    json = json == null ? null : List.copyOf(json);
  }

  public boolean isExec() {
    return json != null;
  }
}

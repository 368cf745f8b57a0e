package dev.sealbuild.cli;

import dev.sealbuild.formats.compress.XzCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Which xz decoder `build image` uses: {@code SEALBUILD_XZ} names the host's {@code xz} or says {@code off}
 * (xz-java); unset, the {@code xz} on the {@code PATH} if there is one. The image is the same either way.
 */
final class HostXz {
  static final String VARIABLE = "SEALBUILD_XZ";

  private HostXz() {}

  static Optional<XzCommand> choose(Environment env) {
    String value = env.get(VARIABLE);
    if (value == null || value.isBlank()) {
      return XzCommand.onPath(env.get("PATH"));
    }
    if (value.trim().equalsIgnoreCase("off")) {
      return Optional.empty();
    }
    Path executable = env.workingDir().resolve(value.trim());
    if (!Files.isRegularFile(executable) || !Files.isExecutable(executable)) {
      throw new CliException(VARIABLE + "=" + value.trim() + " is not an executable file; set it to the path of xz, "
          + "or to off for the built-in decoder");
    }
    return Optional.of(new XzCommand(executable));
  }
}

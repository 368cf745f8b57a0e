package dev.sealbuild.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sealbuild.formats.compress.XzCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SEALBUILD_XZ picks the xz decoder of `build image`: the PATH's xz by default, a named one, or none. */
class HostXzTest {
  @TempDir Path dir;

  private Path executable(String name) throws IOException {
    Path file = Files.writeString(Files.createDirectories(dir.resolve("bin")).resolve(name), "#!/bin/sh\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }

  private Optional<Path> chosen(Map<String, String> variables) {
    return HostXz.choose(new Environment(variables, dir)).map(XzCommand::executable);
  }

  @Test
  void unsetTheXzOnThePathDecodes() throws IOException {
    Path xz = executable("xz");
    assertEquals(Optional.of(xz), chosen(Map.of("PATH", xz.getParent().toString())));
    assertEquals(Optional.empty(), chosen(Map.of("PATH", dir.resolve("nowhere").toString())));
  }

  @Test
  void offMeansTheBuiltInDecoderEvenWithXzOnThePath() throws IOException {
    Path xz = executable("xz");
    assertEquals(Optional.empty(), chosen(Map.of("PATH", xz.getParent().toString(), HostXz.VARIABLE, "OFF")));
  }

  @Test
  void aNamedProgramIsUsedRelativeToTheWorkingDirectory() throws IOException {
    Path xz = executable("xz-5.6");
    assertEquals(Optional.of(xz), chosen(Map.of(HostXz.VARIABLE, "bin/xz-5.6")));
  }

  @Test
  void aNameThatIsNotAnExecutableIsRefusedSayingWhatToSet() throws IOException {
    Files.writeString(dir.resolve("notes.txt"), "not a program");
    CliException e = assertThrows(CliException.class, () -> chosen(Map.of(HostXz.VARIABLE, "notes.txt")));
    assertEquals("SEALBUILD_XZ=notes.txt is not an executable file; set it to the path of xz, or to off for the built-in decoder",
        e.getMessage());
  }
}

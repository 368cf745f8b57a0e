package dev.sealbuild.cli;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes a small file the CLI produces (an SBOM, a spec) through a temporary file beside it. */
final class AtomicFile {
  private AtomicFile() {}

  /** Readers see the old file or the whole new one, never half a document. */
  static void write(Path target, byte[] bytes) throws IOException {
    Path dir = Files.createDirectories(target.toAbsolutePath().getParent());
    Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
    try {
      Files.write(tmp, bytes);
      moveInto(tmp, target);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Renames a finished temporary file (in the target's directory) over the target, readable by all. */
  static void moveInto(Path tmp, Path target) throws IOException {
    try {
      Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: keep its default
    }
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}

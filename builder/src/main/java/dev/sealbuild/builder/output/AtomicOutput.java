package dev.sealbuild.builder.output;

import dev.sealbuild.formats.UserError;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;

/** Writes into a hidden sibling, then renames over the target, so readers see the old or the new output. */
public final class AtomicOutput {
  interface Body {
    void writeTo(Path temporary) throws IOException;
  }

  private AtomicOutput() {}

  static void file(Path target, Body body) throws IOException {
    Path dir = Files.createDirectories(target.toAbsolutePath().getParent());
    Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
    try {
      body.writeTo(tmp);
      setMode(tmp, "rw-r--r--");
      move(tmp, target);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  static void directory(Path target, Body body) throws IOException {
    Path dir = Files.createDirectories(target.toAbsolutePath().getParent());
    Path tmp = Files.createTempDirectory(dir, "." + target.getFileName() + ".tmp");
    Path old = null;
    try {
      body.writeTo(tmp);
      setMode(tmp, "rwxr-xr-x");
      if (Files.exists(target)) {
        checkReplaceable(target);
        old = Files.createTempDirectory(dir, "." + target.getFileName() + ".old");
        Files.delete(old);
        move(target, old);
      }
      move(tmp, target);
    } finally {
      deleteTree(tmp);
      if (old != null) {
        deleteTree(old);
      }
    }
  }

  /** Gives every directory under {@code root} mode 0755 and every file 0644, as a published layout needs. */
  static void publishTree(Path root) throws IOException {
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        setMode(dir, "rwxr-xr-x");
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        setMode(file, "rw-r--r--");
        return FileVisitResult.CONTINUE;
      }
    });
  }

  /** An existing directory output is replaced only when it is an OCI layout or empty. */
  static void checkReplaceable(Path target) throws IOException {
    if (Files.exists(target) && (!Files.isDirectory(target) || !(Files.exists(target.resolve("oci-layout")) || isEmpty(target)))) {
      throw new UserError(target + " exists and is not an OCI layout; remove it or choose another output");
    }
  }

  /** Temp files are created private; the finished output gets the usual modes. */
  private static void setMode(Path p, String mode) throws IOException {
    try {
      Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString(mode));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: keep what it gave us
    }
  }

  private static boolean isEmpty(Path dir) throws IOException {
    try (var s = Files.list(dir)) {
      return s.findAny().isEmpty();
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Deletes a file or a tree, never following links; nothing when it does not exist. */
  public static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
        Files.delete(dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}

package dev.sealbuild.builder.record;

import dev.sealbuild.builder.source.LocalFileDigests;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.digest.Sha256Hasher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One digest of everything the spec's local {@code copy:} sources hold: for each source as written, where it
 * resolves inside the spec's directory, then every path under it (sorted) with its type, and for a file its size,
 * owner-execute bit and content digest (its bytes hashed: mtimes are not trusted), for a symlink its target. It covers more than a
 * copy takes (excluded files too), so a change can only make a recorded image miss, never match wrongly.
 */
final class LocalSources {
  private LocalSources() {}

  /** The digest, or empty when a source is missing or unreadable (then the image is built, which says why). */
  static Optional<Sha256> digest(Path specDir, List<String> sources, LocalFileDigests files) {
    try {
      MessageDigest md = Sha256Hasher.newMessageDigest();
      Path base = specDir.toRealPath();
      for (String source : sources) {
        Path candidate = base.resolve(source).normalize();
        if (!Files.exists(candidate, LinkOption.NOFOLLOW_LINKS)) {
          return Optional.empty();
        }
        Path real = candidate.toRealPath();
        field(md, "source", source);
        field(md, "resolves", base.relativize(real).toString());
        for (Path path : sorted(real)) {
          BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
          field(md, "path", real.relativize(path).toString());
          if (attrs.isSymbolicLink()) {
            field(md, "symlink", Files.readSymbolicLink(path).toString());
          } else if (attrs.isDirectory()) {
            field(md, "directory", "");
          } else if (attrs.isRegularFile()) {
            field(md, "file", attrs.size() + (executable(path) ? " x" : ""));
            field(md, "content", files.of(path).sha256().hex());
          } else {
            field(md, "other", "");
          }
        }
      }
      return Optional.of(Sha256.of(md.digest()));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static List<Path> sorted(Path root) throws IOException {
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      return List.of(root);
    }
    List<Path> paths = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(root)) {
      walk.forEach(paths::add);
    }
    paths.sort(null);
    return paths;
  }

  private static boolean executable(Path file) throws IOException {
    try {
      return Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS).contains(PosixFilePermission.OWNER_EXECUTE);
    } catch (UnsupportedOperationException e) {
      return Files.isExecutable(file);
    }
  }

  /** A length-prefixed field: no two different listings hash the same bytes. */
  private static void field(MessageDigest md, String name, String value) {
    byte[] bytes = (name + "=" + value).getBytes(StandardCharsets.UTF_8);
    md.update((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
    md.update(bytes);
  }
}

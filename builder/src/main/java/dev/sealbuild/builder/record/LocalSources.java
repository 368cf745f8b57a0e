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
import java.util.Iterator;
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
      Path base = specDir.toRealPath();
      List<Listed> listed = new ArrayList<>();
      List<Path> regular = new ArrayList<>();
      for (String source : sources) {
        Path candidate = base.resolve(source).normalize();
        if (!Files.exists(candidate, LinkOption.NOFOLLOW_LINKS)) {
          return Optional.empty();
        }
        Path real = candidate.toRealPath();
        List<Path> paths = sorted(real);
        List<BasicFileAttributes> attributes = new ArrayList<>(paths.size());
        for (Path path : paths) {
          BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
          attributes.add(attrs);
          if (attrs.isRegularFile()) {
            regular.add(path);
          }
        }
        listed.add(new Listed(source, real, paths, attributes));
      }
      Iterator<LocalFileDigests.Digests> contents = files.ofAll(regular).iterator();
      MessageDigest md = Sha256Hasher.newMessageDigest();
      for (Listed source : listed) {
        field(md, "source", source.source());
        field(md, "resolves", base.relativize(source.real()).toString());
        for (int i = 0; i < source.paths().size(); i++) {
          Path path = source.paths().get(i);
          BasicFileAttributes attrs = source.attributes().get(i);
          field(md, "path", source.real().relativize(path).toString());
          if (attrs.isSymbolicLink()) {
            field(md, "symlink", Files.readSymbolicLink(path).toString());
          } else if (attrs.isDirectory()) {
            field(md, "directory", "");
          } else if (attrs.isRegularFile()) {
            field(md, "file", attrs.size() + (executable(path) ? " x" : ""));
            field(md, "content", contents.next().sha256().hex());
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

  /** A source as written, where it resolves, and every path under it (sorted) with its attributes. */
  private record Listed(String source, Path real, List<Path> paths, List<BasicFileAttributes> attributes) {}

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

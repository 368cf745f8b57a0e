package dev.sealbuild.lockfiles.dockerfile;

import dev.sealbuild.formats.dockerfile.DockerIgnore;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * How to read a Dockerfile as a spec: the image {@code name} (a Dockerfile has none), {@code --build-arg} values,
 * the {@code --target} stage (null: the last), the build context (local sources are relative to it) and its
 * {@code .dockerignore}.
 */
public record TranslationOptions(String name, Map<String, String> buildArgs, String target, Path context, DockerIgnore ignore) {
  public TranslationOptions {
    buildArgs = buildArgs == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(buildArgs));
    ignore = ignore == null ? DockerIgnore.none() : ignore;
  }

  /**
   * The image name a Dockerfile in {@code context} gets when none is given: the directory's name, lowercased, with
   * anything an image name may not hold replaced by '-'.
   */
  public static String defaultName(Path context) {
    Path dir = context.toAbsolutePath().normalize().getFileName();
    String name = dir == null ? "" : dir.toString().toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-")
        .replaceAll("^[^a-z0-9]+", "");
    return name.isEmpty() ? "image" : name;
  }
}

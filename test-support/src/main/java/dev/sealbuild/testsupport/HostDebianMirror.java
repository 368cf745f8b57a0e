package dev.sealbuild.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Debian archive mirror this host's apt uses (its first {@code deb} source whose path ends in {@code /debian}),
 * read from {@code sources.list} and {@code sources.list.d} (one-line and deb822 forms). Mirror host names are
 * never written into the repository: fixtures name a path in the archive ({@code debian-mirror:pool/...}).
 */
final class HostDebianMirror {
  private final Path aptConfig;

  /** @param aptConfig the apt configuration directory, {@code /etc/apt} on a real host */
  HostDebianMirror(Path aptConfig) {
    this.aptConfig = aptConfig;
  }

  /** The archive's base URL without a trailing slash, or empty when apt lists no Debian archive. */
  Optional<String> baseUrl() throws IOException {
    for (String uri : debUris()) {
      String trimmed = uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
      if ((trimmed.startsWith("http://") || trimmed.startsWith("https://")) && trimmed.endsWith("/debian")) {
        return Optional.of(trimmed);
      }
    }
    return Optional.empty();
  }

  private List<String> debUris() throws IOException {
    List<String> uris = new ArrayList<>();
    Path main = aptConfig.resolve("sources.list");
    if (Files.isRegularFile(main)) {
      oneLine(Files.readString(main, StandardCharsets.UTF_8), uris);
    }
    Path parts = aptConfig.resolve("sources.list.d");
    if (Files.isDirectory(parts)) {
      List<Path> files = new ArrayList<>();
      try (DirectoryStream<Path> dir = Files.newDirectoryStream(parts)) {
        dir.forEach(files::add);
      }
      files.sort(null);
      for (Path file : files) {
        String name = file.getFileName().toString();
        if (name.endsWith(".list")) {
          oneLine(Files.readString(file, StandardCharsets.UTF_8), uris);
        } else if (name.endsWith(".sources")) {
          deb822(Files.readString(file, StandardCharsets.UTF_8), uris);
        }
      }
    }
    return uris;
  }

  /** {@code deb [options] URI suite components...} lines. */
  private static void oneLine(String text, List<String> uris) {
    for (String line : text.split("\n")) {
      String l = line.replaceAll("#.*", "").replaceAll("\\[[^\\]]*\\]", " ").trim();
      String[] words = l.split("\\s+");
      if (words.length >= 3 && words[0].equals("deb")) {
        uris.add(words[1]);
      }
    }
  }

  /** Paragraphs with {@code Types: deb} and {@code URIs: ...}. */
  private static void deb822(String text, List<String> uris) {
    for (String paragraph : text.split("\n\\s*\n")) {
      List<String> types = List.of();
      List<String> found = List.of();
      boolean enabled = true;
      for (String line : paragraph.split("\n")) {
        if (line.startsWith("#")) {
          continue;
        }
        int colon = line.indexOf(':');
        if (colon < 0) {
          continue;
        }
        String key = line.substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT);
        List<String> values = List.of(line.substring(colon + 1).trim().split("\\s+"));
        switch (key) {
          case "types" -> types = values;
          case "uris" -> found = values;
          case "enabled" -> enabled = !values.get(0).equalsIgnoreCase("no");
          default -> { }
        }
      }
      if (enabled && types.contains("deb")) {
        uris.addAll(found);
      }
    }
  }
}

package dev.sealbuild.prep.debian;

import dev.sealbuild.formats.deb822.Deb822Stanza;
import dev.sealbuild.formats.deb822.Deb822Reader;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The host's apt sources, read at run time so that no mirror host name is ever written into the repository: deb822
 * {@code /etc/apt/sources.list.d/*.sources} and one-line {@code /etc/apt/sources.list} entries.
 */
public final class AptSources {

  /** One (URI, suite) pair of a {@code deb} source. */
  public record Source(URI uri, String suite, List<String> components, Optional<Path> signedBy) {
  }

  private final Path etcApt;

  /** Reads from {@code etcApt} (normally {@code /etc/apt}). */
  public AptSources(Path etcApt) {
    this.etcApt = etcApt;
  }

  public static AptSources host() {
    return new AptSources(Path.of("/etc/apt"));
  }

  public List<Source> read() throws IOException {
    List<Source> sources = new ArrayList<>();
    Path dir = etcApt.resolve("sources.list.d");
    if (Files.isDirectory(dir)) {
      try (Stream<Path> files = Files.list(dir)) {
        for (Path file : files.sorted().toList()) {
          if (file.getFileName().toString().endsWith(".sources")) {
            sources.addAll(parseDeb822(Files.readString(file), file.toString()));
          } else if (file.getFileName().toString().endsWith(".list")) {
            sources.addAll(parseOneLine(Files.readString(file)));
          }
        }
      }
    }
    Path list = etcApt.resolve("sources.list");
    if (Files.isRegularFile(list)) {
      sources.addAll(parseOneLine(Files.readString(list)));
    }
    return sources;
  }

  /** The first source serving {@code suite} with {@code component}. */
  public Optional<Source> find(String suite, String component) throws IOException {
    return read().stream()
        .filter(s -> s.suite().equals(suite) && s.components().contains(component))
        .findFirst();
  }

  /** The {@code deb} sources of a deb822 {@code .sources} file, in file order. */
  public static List<Source> parseDeb822(String text, String origin) {
    List<Source> sources = new ArrayList<>();
    for (Deb822Stanza paragraph : Deb822Reader.parseAll(text, origin, Deb822Reader.Syntax.COMMENTS)) {
      String types = field(paragraph, "Types");
      if (!Arrays.asList(types.split("\\s+")).contains("deb") || field(paragraph, "Enabled").equals("no")) {
        continue;
      }
      String signedBy = field(paragraph, "Signed-By");
      Optional<Path> keyring = signedBy.startsWith("/") ? Optional.of(Path.of(signedBy.split("\\s+")[0]))
          : Optional.empty();
      List<String> components = List.of(field(paragraph, "Components").split("\\s+"));
      for (String uri : field(paragraph, "URIs").split("\\s+")) {
        for (String suite : field(paragraph, "Suites").split("\\s+")) {
          if (!uri.isEmpty() && !suite.isEmpty()) {
            sources.add(new Source(URI.create(uri), suite, components, keyring));
          }
        }
      }
    }
    return sources;
  }

  /** The field's value on one line ("" when absent): apt lets a list continue on the next lines. */
  private static String field(Deb822Stanza paragraph, String name) {
    String value = paragraph.folded(name);
    return value == null ? "" : value;
  }

  /** The {@code deb} lines of a one-line {@code sources.list} file, in file order. */
  public static List<Source> parseOneLine(String text) {
    List<Source> sources = new ArrayList<>();
    for (String raw : text.split("\n")) {
      String line = raw.replaceAll("#.*", "").strip();
      if (!line.startsWith("deb ")) {
        continue;
      }
      Optional<Path> keyring = Optional.empty();
      int open = line.indexOf('[');
      if (open >= 0) {
        int close = line.indexOf(']', open);
        for (String option : line.substring(open + 1, close).split("\\s+")) {
          if (option.startsWith("signed-by=")) {
            keyring = Optional.of(Path.of(option.substring("signed-by=".length())));
          }
        }
        line = line.substring(0, open) + line.substring(close + 1);
      }
      String[] parts = line.strip().split("\\s+");
      if (parts.length >= 4) {
        sources.add(new Source(URI.create(parts[1]), parts[2], List.of(parts).subList(3, parts.length), keyring));
      }
    }
    return sources;
  }
}

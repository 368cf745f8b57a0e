package dev.sealbuild.builder.sbom;

import dev.sealbuild.formats.deb822.Deb822Exception;
import dev.sealbuild.formats.deb822.Deb822Reader;
import dev.sealbuild.formats.deb822.Deb822Stanza;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The license a Debian package states in {@code /usr/share/doc/<package>/copyright}, read only when that file
 * is machine-readable (copyright-format 1.0, DEP-5): the short names of the {@code License:} fields of its
 * {@code Files:} paragraphs (or of its header when it has none), as one SPDX expression when every one of
 * them translates. A free-form copyright file states nothing a program can read.
 */
final class DebianCopyright {
  private DebianCopyright() {}

  /** The machine-readable statement: its short names as written, and their SPDX translation when there is one. */
  static Optional<StatedLicense> read(String copyright, String source, SpdxLicenses spdx) {
    if (copyright == null) {
      return Optional.empty();
    }
    List<Deb822Stanza> paragraphs;
    try {
      paragraphs = Deb822Reader.parseAll(copyright, source, Deb822Reader.Syntax.STRICT);
    } catch (Deb822Exception e) {
      return Optional.empty(); // free-form text, or not deb822 a program can read
    }
    if (paragraphs.isEmpty() || !machineReadable(paragraphs.get(0).folded("format"))) {
      return Optional.empty();
    }
    List<String> names = new ArrayList<>();
    for (Deb822Stanza p : paragraphs.subList(1, paragraphs.size())) {
      if (p.has("files") && p.firstLine("license") != null && !p.firstLine("license").isBlank()) {
        names.add(p.firstLine("license"));
      }
    }
    if (names.isEmpty() && paragraphs.get(0).firstLine("license") != null && !paragraphs.get(0).firstLine("license").isBlank()) {
      names.add(paragraphs.get(0).firstLine("license"));
    }
    if (names.isEmpty()) {
      return Optional.empty();
    }
    TreeSet<String> stated = new TreeSet<>(names);
    List<String> expressions = new ArrayList<>();
    for (String name : stated) {
      Optional<String> expression = spdx.fromDebianShortNames(name);
      if (expression.isEmpty()) {
        return Optional.of(new StatedLicense(String.join("; ", stated), source, null));
      }
      expressions.add(expression.get());
    }
    return Optional.of(new StatedLicense(String.join("; ", stated), source, SpdxLicenses.allOf(expressions).orElseThrow()));
  }

  private static boolean machineReadable(String format) {
    return format != null && (format.contains("debian.org/doc/packaging-manuals/copyright-format/1.0")
        || format.contains("dep.debian.net/deps/dep5"));
  }
}

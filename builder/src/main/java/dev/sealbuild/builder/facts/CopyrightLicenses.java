package dev.sealbuild.builder.facts;

import dev.sealbuild.formats.deb822.Deb822Exception;
import dev.sealbuild.formats.deb822.Deb822Reader;
import dev.sealbuild.formats.deb822.Deb822Stanza;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The license short names a Debian {@code copyright} file states, read only when it is machine-readable
 * (copyright-format 1.0, DEP-5): the {@code License:} fields of its {@code Files:} paragraphs (or of its header when
 * it has none), sorted and without repeats. A free-form copyright file states nothing a program can read.
 */
public final class CopyrightLicenses {
  private CopyrightLicenses() {}

  /** The names, or an empty list when the file is absent (null), free-form, or names none. */
  public static List<String> names(String copyright) {
    if (copyright == null) {
      return List.of();
    }
    List<Deb822Stanza> paragraphs;
    try {
      paragraphs = Deb822Reader.parseAll(copyright, "copyright", Deb822Reader.Syntax.STRICT);
    } catch (Deb822Exception e) {
      return List.of(); // free-form text, or not deb822 a program can read
    }
    if (paragraphs.isEmpty() || !machineReadable(paragraphs.get(0).folded("format"))) {
      return List.of();
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
    return List.copyOf(new TreeSet<>(names));
  }

  private static boolean machineReadable(String format) {
    return format != null && (format.contains("debian.org/doc/packaging-manuals/copyright-format/1.0")
        || format.contains("dep.debian.net/deps/dep5"));
  }
}

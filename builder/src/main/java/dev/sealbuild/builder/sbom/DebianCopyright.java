package dev.sealbuild.builder.sbom;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The license a Debian package states in {@code /usr/share/doc/<package>/copyright}, when that file is
 * machine-readable (copyright-format 1.0, DEP-5): the short names of the {@code License:} fields of its
 * {@code Files:} paragraphs (or of its header when it has none), as {@link dev.sealbuild.builder.facts.CopyrightLicenses}
 * reads them, and as one SPDX expression when every one of them translates.
 */
final class DebianCopyright {
  private DebianCopyright() {}

  /** The statement of the names (sorted, distinct; none: no statement), with their SPDX translation when there is one. */
  static Optional<StatedLicense> read(List<String> stated, String source, SpdxLicenses spdx) {
    if (stated.isEmpty()) {
      return Optional.empty();
    }
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
}

package dev.sealbuild.prep.alpine;

import java.util.List;
import java.util.Objects;

/**
 * The contents of one repository's {@code APKINDEX}: its {@code DESCRIPTION} (e.g.
 * {@code v3.16.3-13-g4d933a1fa3}) and its package records in file order. Parsing does not check
 * signatures; {@link ApkIndexVerifier} does that before parsing.
 */
public record ApkIndex(String description, List<ApkPackage> packages) {
  public ApkIndex {
    Objects.requireNonNull(description, "description");
    packages = List.copyOf(packages);
  }

  /** Parses the text of an {@code APKINDEX} file; {@code source} names it in error messages. */
  public static ApkIndex parse(String description, String apkindexText, String source) {
    return new ApkIndex(description.strip(), new ApkRecordParser(source).parse(apkindexText));
  }

  /** All records named {@code name} (usually one per index). */
  public List<ApkPackage> find(String name) {
    return packages.stream().filter(p -> p.name().equals(name)).toList();
  }
}

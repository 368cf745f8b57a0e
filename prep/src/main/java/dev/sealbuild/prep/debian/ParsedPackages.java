package dev.sealbuild.prep.debian;

import java.util.List;

/** The packages parsed from one Packages file, and the order apt creates the names they mention ({@link NameOrder}). */
public record ParsedPackages(List<DebianPackage> packages, NameOrder names) {
  public ParsedPackages {
    packages = List.copyOf(packages);
  }

  public static ParsedPackages of(List<DebianPackage> packages) {
    return new ParsedPackages(packages, NameOrder.of(packages));
  }
}

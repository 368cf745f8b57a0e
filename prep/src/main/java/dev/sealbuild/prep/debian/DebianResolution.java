package dev.sealbuild.prep.debian;

import java.util.List;

/**
 * A resolved closure.
 *
 * @param packages sorted by name
 * @param droppedDependencies dependencies left unsatisfied because an excluded package would satisfy them, each as
 *     {@code package -> relation (excluded: names)}, sorted
 * @param excluded the excluded names those dropped dependencies would have installed, sorted by name, each with the
 *     selected packages that needed it
 */
public record DebianResolution(List<ResolvedDebianPackage> packages, List<String> droppedDependencies, List<Exclusion> excluded) {
  /** An excluded package some selected packages depend on. */
  public record Exclusion(String name, List<String> neededBy) {
    public Exclusion {
      neededBy = List.copyOf(neededBy);
    }
  }

  public DebianResolution {
    packages = List.copyOf(packages);
    droppedDependencies = List.copyOf(droppedDependencies);
    excluded = List.copyOf(excluded);
  }
}

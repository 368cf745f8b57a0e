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
  /**
   * An excluded package some selected packages depend on: who, and each dependency dropped because of it
   * ({@code package -> relation}, sorted).
   */
  public record Exclusion(String name, List<String> neededBy, List<String> dependencies) {
    public Exclusion {
      neededBy = List.copyOf(neededBy);
      dependencies = List.copyOf(dependencies);
    }

    public Exclusion(String name, List<String> neededBy) {
      this(name, neededBy, List.of());
    }
  }

  public DebianResolution {
    packages = List.copyOf(packages);
    droppedDependencies = List.copyOf(droppedDependencies);
    excluded = List.copyOf(excluded);
  }
}

package dev.sealbuild.prep.debian;

import java.util.List;

/**
 * A resolved closure.
 *
 * @param packages sorted by name
 * @param droppedDependencies dependencies left unsatisfied because every way to satisfy them was excluded, each as
 *     {@code package -> relation (excluded: names)}, sorted
 */
public record DebianResolution(List<ResolvedDebianPackage> packages, List<String> droppedDependencies) {
  public DebianResolution {
    packages = List.copyOf(packages);
    droppedDependencies = List.copyOf(droppedDependencies);
  }
}

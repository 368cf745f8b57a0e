package dev.sealbuild.builder.sbom;

import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.lockfiles.spec.Platform;
import java.util.Comparator;
import java.util.List;

/**
 * What one spec and its lock build, independent of the SBOM format: the image (by name and platforms) and
 * every input it is made of, sorted, with the digests of the spec and the lock it was made from.
 *
 * @param sourceDateEpoch the lock's {@code sourceDateEpoch}: the documents' creation time
 * @param licenseListVersion the SPDX License List version license expressions are checked against
 */
public record BillOfMaterials(String imageName, List<Platform> platforms, long sourceDateEpoch, Sha256 specDigest,
    Sha256 lockDigest, String licenseListVersion, List<SbomComponent> components) {
  static final Comparator<SbomComponent> ORDER = Comparator.comparing(SbomComponent::kind)
      .thenComparing(SbomComponent::name)
      .thenComparing(c -> c.version() == null ? "" : c.version())
      .thenComparing(c -> c.architecture() == null ? "" : c.architecture())
      .thenComparing(SbomComponent::ref);

  /**
   * Refs made of names that differ only in characters a ref cannot hold ({@code a+b}, {@code a-b}) get a
   * counter, in document order; refs others point at ({@code containedIn}) carry a digest and never collide.
   */
  private static List<SbomComponent> unique(List<SbomComponent> sorted) {
    java.util.Set<String> taken = new java.util.HashSet<>();
    List<SbomComponent> out = new java.util.ArrayList<>();
    for (SbomComponent c : sorted) {
      String ref = c.ref();
      for (int n = 2; !taken.add(ref); n++) {
        ref = c.ref() + "-" + n;
      }
      out.add(ref.equals(c.ref()) ? c : c.withRef(ref));
    }
    return List.copyOf(out);
  }

  public BillOfMaterials {
    platforms = platforms.stream().sorted().distinct().toList();
    components = unique(components.stream().sorted(ORDER).toList());
  }
}

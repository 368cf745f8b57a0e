package dev.sealbuild.prep.debian;

import dev.sealbuild.formats.digest.Sha256;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the resolver and the lockfile need from one verified repository suite for one architecture.
 *
 * @param repositoryName the caller's name for the repository (goes into the lock)
 * @param suite the suite as requested (e.g. {@code bookworm})
 * @param inReleaseSha256 digest of the raw InRelease bytes that were verified
 * @param date the Release {@code Date}
 * @param signerFingerprint lowercase hex fingerprint of the key that made the first good signature
 * @param pinPriority apt's pin for this release: 500, or 100/1 for NotAutomatic suites, unless the spec sets
 *     {@code priority:}; below 0 its versions are never candidates
 * @param packages packages for the architecture and {@code all}, in index order, components in requested order
 */
public record DebianRepositoryIndex(String repositoryName, String suite, String codename, String architecture,
    List<String> components, Sha256 inReleaseSha256, Instant date, Optional<Instant> validUntil,
    String signerFingerprint, int pinPriority, List<DebianPackage> packages, NameOrder nameOrder) {

  public DebianRepositoryIndex {
    Objects.requireNonNull(repositoryName, "repositoryName");
    Objects.requireNonNull(suite, "suite");
    Objects.requireNonNull(codename, "codename");
    Objects.requireNonNull(architecture, "architecture");
    components = List.copyOf(components);
    Objects.requireNonNull(inReleaseSha256, "inReleaseSha256");
    Objects.requireNonNull(date, "date");
    Objects.requireNonNull(validUntil, "validUntil");
    Objects.requireNonNull(signerFingerprint, "signerFingerprint");
    packages = List.copyOf(packages);
    Objects.requireNonNull(nameOrder, "nameOrder");
  }

  /** An index whose name order is computed from its packages. */
  public DebianRepositoryIndex(String repositoryName, String suite, String codename, String architecture,
      List<String> components, Sha256 inReleaseSha256, Instant date, Optional<Instant> validUntil,
      String signerFingerprint, int pinPriority, List<DebianPackage> packages) {
    this(repositoryName, suite, codename, architecture, components, inReleaseSha256, date, validUntil,
        signerFingerprint, pinPriority, packages, NameOrder.of(packages));
  }

  /** This index with the pin priority a spec's {@code priority:} sets (apt preferences' Pin-Priority). */
  public DebianRepositoryIndex withPinPriority(int priority) {
    return new DebianRepositoryIndex(repositoryName, suite, codename, architecture, components, inReleaseSha256, date,
        validUntil, signerFingerprint, priority, packages, nameOrder);
  }

  /** Avoids printing tens of thousands of packages. */
  @Override
  public String toString() {
    return "DebianRepositoryIndex[" + repositoryName + " " + suite + " " + architecture + " " + components + ", "
        + packages.size() + " packages, InRelease " + inReleaseSha256 + "]";
  }
}

package dev.sealbuild.lockfiles.diff;

import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.oci.Platform;
import java.util.Comparator;
import java.util.List;

/**
 * A package added, removed or changed between two locks, identified by type, name and architecture.
 * {@code platforms} are the platforms the change applies to; {@code unchangedOn} the platforms where the
 * same package stays as it was (non-empty when a version moved on some platforms only). A change whose
 * versions are equal kept its version but not its bytes ({@code fromSha256} differs from {@code toSha256}), or
 * its place: {@code fromBuildOnly} and {@code toBuildOnly} are set (and differ) only when the package became
 * build-only or stopped being build-only (there only while the run steps run, in no layer of the image).
 */
public record PackageChange(Change change, String type, String name, String architecture, String fromVersion,
    String toVersion, Sha256 fromSha256, Sha256 toSha256, List<Platform> platforms, List<Platform> unchangedOn,
    Boolean fromBuildOnly, Boolean toBuildOnly)
    implements Comparable<PackageChange> {
  private static final Comparator<PackageChange> ORDER = Comparator.comparing(PackageChange::name)
      .thenComparing(PackageChange::architecture).thenComparing(PackageChange::type).thenComparing(PackageChange::change)
      .thenComparing(p -> p.platforms().toString());

  public PackageChange {
    platforms = List.copyOf(platforms);
    unchangedOn = List.copyOf(unchangedOn);
  }

  /** The version shown for the entry: the new one, or the old one when removed. */
  public String version() {
    return toVersion != null ? toVersion : fromVersion;
  }

  /** A change without build-only flags: neither side's place changed. */
  public PackageChange(Change change, String type, String name, String architecture, String fromVersion,
      String toVersion, Sha256 fromSha256, Sha256 toSha256, List<Platform> platforms, List<Platform> unchangedOn) {
    this(change, type, name, architecture, fromVersion, toVersion, fromSha256, toSha256, platforms, unchangedOn, null, null);
  }

  /** Same version, other bytes: the repository rebuilt or replaced the package. */
  public boolean contentOnly() {
    return change == Change.CHANGED && fromVersion.equals(toVersion) && !fromSha256.equals(toSha256);
  }

  /** Became build-only ({@code true}), stopped being build-only ({@code false}), or neither (null). */
  public Boolean nowBuildOnly() {
    return fromBuildOnly == null || fromBuildOnly.equals(toBuildOnly) ? null : toBuildOnly;
  }

  /** The same version and bytes: only whether the package is build-only changed. */
  public boolean onlyBuildOnlyChanged() {
    return nowBuildOnly() != null && fromVersion.equals(toVersion) && fromSha256.equals(toSha256);
  }

  @Override
  public int compareTo(PackageChange o) {
    return ORDER.compare(this, o);
  }
}

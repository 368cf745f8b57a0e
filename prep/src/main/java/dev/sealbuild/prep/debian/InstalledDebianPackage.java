package dev.sealbuild.prep.debian;

import java.util.Objects;

/**
 * A package a base's dpkg database lists as installed ({@code Status: install ok installed}): what the resolver counts
 * as already present. Relation fields are kept as written ({@code ""} when absent).
 */
public record InstalledDebianPackage(String name, DebianVersion version, String architecture, DebianPackage.MultiArch multiArch,
    String provides, String conflicts, String breaks) {
  public InstalledDebianPackage {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(architecture, "architecture");
    Objects.requireNonNull(multiArch, "multiArch");
    provides = provides == null ? "" : provides;
    conflicts = conflicts == null ? "" : conflicts;
    breaks = breaks == null ? "" : breaks;
  }

  public String label() {
    return name + " " + version.text() + " " + architecture;
  }
}

package dev.sealbuild.prep.alpine;

import java.util.List;
import java.util.Objects;

/**
 * What a base root filesystem already has: the packages of its {@code lib/apk/db/installed} (same record
 * format as an index; per-file lines are skipped) and the dependencies of its {@code etc/apk/world}.
 * The resolver treats installed packages as available and satisfying, and only installs what is new.
 */
public record ApkInstalledDb(List<ApkPackage> packages, List<ApkDependency> world) {
  public ApkInstalledDb {
    packages = List.copyOf(packages);
    world = List.copyOf(world);
  }

  /** Nothing installed: resolve for an empty root. */
  public static ApkInstalledDb empty() {
    return new ApkInstalledDb(List.of(), List.of());
  }

  /**
   * Parses {@code lib/apk/db/installed} and, if present, {@code etc/apk/world}. Without a world file,
   * every installed package's name is taken as wanted, so nothing installed is ever removed.
   */
  public static ApkInstalledDb parse(String installedText, String worldTextOrNull) {
    Objects.requireNonNull(installedText, "installed");
    List<ApkPackage> packages = new ApkRecordParser("lib/apk/db/installed").parse(installedText);
    List<ApkDependency> world;
    if (worldTextOrNull != null) {
      try {
        world = ApkDependency.parseList(worldTextOrNull);
      } catch (ApkException e) {
        throw new ApkException("etc/apk/world: " + e.getMessage());
      }
    } else {
      world = packages.stream().map(p -> ApkDependency.on(p.name())).toList();
    }
    return new ApkInstalledDb(packages, world);
  }
}

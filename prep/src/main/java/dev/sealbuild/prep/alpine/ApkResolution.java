package dev.sealbuild.prep.alpine;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The outcome of {@link ApkResolver#resolve}: lists sorted by package name, then version.
 *
 * @param world the dependencies resolved for: the base world plus the requests (as apk's world file)
 * @param packages every package present afterwards (installed ones that stay, plus new ones)
 * @param toInstall packages to download and install: new ones, and new versions replacing installed ones
 * @param toRemove installed packages that are gone afterwards (replaced by another version, or no longer
 *     wanted by the world)
 * @param excluded per name the resolution was told to exclude (sorted), the packages present afterwards whose
 *     dependency on it was dropped (sorted); names nothing depended on are left out
 */
public record ApkResolution(
    List<ApkDependency> world,
    List<ApkPackage> packages,
    List<ApkPackage> toInstall,
    List<ApkPackage> toRemove,
    Map<String, List<String>> excluded) {

  public ApkResolution(List<ApkDependency> world, List<ApkPackage> packages, List<ApkPackage> toInstall, List<ApkPackage> toRemove) {
    this(world, packages, toInstall, toRemove, Map.of());
  }

  public ApkResolution {
    excluded = Collections.unmodifiableMap(new TreeMap<>(excluded));
    world = List.copyOf(world);
    packages = List.copyOf(packages);
    toInstall = List.copyOf(toInstall);
    toRemove = List.copyOf(toRemove);
  }
}

package dev.sealbuild.prep.packages;

import dev.sealbuild.lockfiles.lock.ExcludedPackage;
import dev.sealbuild.formats.oci.Platform;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** Collects, over every platform, the packages {@code exclude:} kept out and who needed them, as the lock records them. */
final class Exclusions {
  private final Map<String, Set<String>> neededBy = new TreeMap<>();
  private final Map<String, List<Platform>> platforms = new TreeMap<>();
  private final Map<String, Set<String>> dependencies = new TreeMap<>();

  void add(String name, List<String> needers, Platform platform) {
    add(name, needers, List.of(), platform);
  }

  /** @param dropped the dependencies dropped because of it, as {@code package -> relation} */
  void add(String name, List<String> needers, List<String> dropped, Platform platform) {
    neededBy.computeIfAbsent(name, k -> new TreeSet<>()).addAll(needers);
    platforms.computeIfAbsent(name, k -> new ArrayList<>()).add(platform);
    dependencies.computeIfAbsent(name, k -> new TreeSet<>()).addAll(dropped);
  }

  List<ExcludedPackage> toList() {
    List<ExcludedPackage> list = new ArrayList<>();
    neededBy.forEach((name, by) -> list.add(new ExcludedPackage(name, List.copyOf(by), platforms.get(name),
        List.copyOf(dependencies.get(name)))));
    return list;
  }
}

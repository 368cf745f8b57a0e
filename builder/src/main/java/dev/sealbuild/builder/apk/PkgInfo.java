package dev.sealbuild.builder.apk;

import dev.sealbuild.formats.HostileInputException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A package's {@code .PKGINFO}: {@code key = value} lines written by abuild, {@code #} comments. Keys that
 * may repeat ({@code depend}, {@code provides}, {@code install_if}, {@code replaces}, {@code triggers})
 * keep every value in order; any other key keeps its last value, as apk reads it.
 */
record PkgInfo(Map<String, String> single, Map<String, List<String>> repeated) {
  static final int MAX_BYTES = 1 << 20;
  private static final List<String> REPEATED = List.of("depend", "provides", "install_if", "replaces", "triggers");

  PkgInfo {
    single = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(single));
    Map<String, List<String>> lists = new LinkedHashMap<>();
    repeated.forEach((k, v) -> lists.put(k, List.copyOf(v)));
    repeated = java.util.Collections.unmodifiableMap(lists);
  }

  static PkgInfo parse(String text, String label) {
    Map<String, String> single = new LinkedHashMap<>();
    Map<String, List<String>> repeated = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int eq = line.indexOf(" = ");
      if (eq <= 0) {
        throw new HostileInputException(label + ": .PKGINFO line '" + ApkText.printable(line) + "' is not 'key = value'");
      }
      String key = line.substring(0, eq);
      String value = line.substring(eq + 3);
      if (REPEATED.contains(key)) {
        repeated.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
      } else {
        single.put(key, value);
      }
    }
    return new PkgInfo(single, repeated);
  }

  String get(String key) {
    return single.getOrDefault(key, "");
  }

  /** Values of a repeatable key, each split on blanks (abuild writes one per line, apk accepts lists too). */
  List<String> list(String key) {
    List<String> out = new ArrayList<>();
    for (String value : repeated.getOrDefault(key, List.of())) {
      for (String part : value.trim().split("\\s+")) {
        if (!part.isEmpty()) {
          out.add(part);
        }
      }
    }
    return out;
  }

  String name() {
    return get("pkgname");
  }

  String version() {
    return get("pkgver");
  }
}

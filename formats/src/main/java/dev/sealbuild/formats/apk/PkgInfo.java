package dev.sealbuild.formats.apk;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A package's {@code .PKGINFO}: {@code key = value} lines written by abuild. The one rule for odd lines is apk-tools
 * 2's ({@code read_info_line} in {@code package.c} and {@code database.c}): an empty line, a line starting with
 * {@code #} (a comment) and a line without {@code " = "} are skipped; a line splits at its first {@code " = "}. Every
 * value of a key is kept, in file order: {@link #get} gives the last (as apk reads a single-valued key),
 * {@link #values} all of them (keys that may repeat: {@code depend}, {@code provides}, {@code install_if},
 * {@code replaces}, {@code triggers}).
 *
 * @param fields key to its values, keys in order of first appearance
 */
public record PkgInfo(Map<String, List<String>> fields) {
  /** Largest {@code .PKGINFO} a reader keeps in memory. */
  public static final int MAX_BYTES = 1 << 20;

  public PkgInfo {
    Map<String, List<String>> copy = new LinkedHashMap<>();
    fields.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    fields = Collections.unmodifiableMap(copy);
  }

  public static PkgInfo parse(String text) {
    Map<String, List<String>> fields = new LinkedHashMap<>();
    for (String line : text.split("\n", -1)) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int split = line.indexOf(" = ");
      if (split <= 0) {
        continue;
      }
      fields.computeIfAbsent(line.substring(0, split), k -> new ArrayList<>()).add(line.substring(split + 3));
    }
    return new PkgInfo(fields);
  }

  /** The key's last value, or "" when absent. */
  public String get(String key) {
    List<String> values = fields.get(key);
    return values == null ? "" : values.get(values.size() - 1);
  }

  /** Every value of the key, in file order. */
  public List<String> values(String key) {
    return fields.getOrDefault(key, List.of());
  }

  /** Every value of a repeatable key, each split on blanks (abuild writes one per line, apk accepts lists too). */
  public List<String> list(String key) {
    List<String> out = new ArrayList<>();
    for (String value : values(key)) {
      for (String part : value.trim().split("\\s+")) {
        if (!part.isEmpty()) {
          out.add(part);
        }
      }
    }
    return out;
  }

  public String name() {
    return get("pkgname");
  }

  public String version() {
    return get("pkgver");
  }
}

package dev.sealbuild.builder.source;

import dev.sealbuild.lockfiles.lock.LockedPackage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Building blocks of {@link LayerSource#fingerprint}s. */
public final class Fingerprints {
  private Fingerprints() {}

  /** A locked package by what its bytes and its install records are (not which platforms list it). */
  public static Map<String, Object> lockedPackage(LockedPackage p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", p.type());
    m.put("name", p.name());
    m.put("version", p.version());
    m.put("architecture", p.architecture());
    m.put("repository", p.repository());
    m.put("path", p.path());
    m.put("sha256", p.sha256().toString());
    m.put("size", p.size());
    m.put("checksum", p.checksum());
    return m;
  }

  public static List<Map<String, Object>> lockedPackages(List<LockedPackage> packages) {
    return packages.stream().map(Fingerprints::lockedPackage).toList();
  }

  /** A source's fingerprint: its kind and its fields. */
  public static Map<String, Object> of(String kind, Object... keyValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", kind);
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put((String) keyValues[i], keyValues[i + 1]);
    }
    return m;
  }
}

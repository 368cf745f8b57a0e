package dev.sealbuild.prep.alpine;

import dev.sealbuild.formats.apk.PkgInfo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code .PKGINFO} of a package: {@code key = value} lines written by abuild. Typed fields for what
 * the index mirrors, plus every line in {@link #fields} (in file order, repeated keys kept).
 *
 * @param installedSize the {@code size} line (bytes once installed)
 * @param dataHash hex SHA-256 of the raw data gzip stream ({@code datahash}), or "" if absent
 */
public record ApkPkgInfo(
    String name,
    String version,
    String arch,
    String description,
    String url,
    String license,
    String origin,
    String maintainer,
    String commit,
    long buildDate,
    long installedSize,
    String dataHash,
    List<ApkDependency> depends,
    List<ApkDependency> provides,
    List<ApkDependency> installIf,
    List<ApkDependency> replaces,
    int providerPriority,
    int replacesPriority,
    List<String> triggers,
    Map<String, List<String>> fields) {

  public ApkPkgInfo {
    depends = List.copyOf(depends);
    provides = List.copyOf(provides);
    installIf = List.copyOf(installIf);
    replaces = List.copyOf(replaces);
    triggers = List.copyOf(triggers);
    Map<String, List<String>> copy = new LinkedHashMap<>();
    fields.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    fields = Collections.unmodifiableMap(copy);
  }

  /** Parses {@code .PKGINFO} text by the rule of {@link PkgInfo} (comments and lines without " = " skipped, as apk). */
  public static ApkPkgInfo parse(String text, String source) {
    PkgInfo info = PkgInfo.parse(text);
    Map<String, List<String>> fields = info.fields();
    try {
      String name = info.get("pkgname");
      String version = info.get("pkgver");
      if (name.isEmpty()) {
        throw new ApkException("missing pkgname");
      }
      if (!ApkVersion.isValid(version)) {
        throw new ApkException("missing or invalid pkgver '" + Texts.abbreviate(version) + "'");
      }
      return new ApkPkgInfo(name, version, info.get("arch"), info.get("pkgdesc"), info.get("url"),
          info.get("license"), info.get("origin"), info.get("maintainer"), info.get("commit"),
          number(info, "builddate"), number(info, "size"), info.get("datahash"),
          deps(fields, "depend"), deps(fields, "provides"), deps(fields, "install_if"), deps(fields, "replaces"),
          (int) number(info, "provider_priority"), (int) number(info, "replaces_priority"),
          fields.getOrDefault("triggers", List.of()), fields);
    } catch (ApkException e) {
      throw new ApkException(source + ": .PKGINFO: " + e.getMessage());
    }
  }

  private static long number(PkgInfo info, String key) {
    String value = info.get(key);
    if (value.isEmpty()) {
      return 0;
    }
    if (value.length() > 18 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new ApkException("invalid number for " + key + ": '" + Texts.abbreviate(value) + "'");
    }
    long n = Long.parseLong(value);
    if ((key.endsWith("priority")) && n > Integer.MAX_VALUE) {
      throw new ApkException("number too large for " + key);
    }
    return n;
  }

  private static List<ApkDependency> deps(Map<String, List<String>> fields, String key) {
    List<ApkDependency> deps = new ArrayList<>();
    for (String value : fields.getOrDefault(key, List.of())) {
      deps.addAll(ApkDependency.parseList(value));
    }
    return deps;
  }

  @Override
  public String toString() {
    return name + "-" + version;
  }
}

package dev.sealbuild.lockfiles.spec;

import java.util.Optional;

/**
 * One {@code packages:} entry of a Debian spec, in apt-get's request syntax: {@code name}, {@code name=version} (that
 * exact version), {@code name/suite} (the candidate from the repository entry of that suite, apt's target release),
 * each optionally with an architecture qualifier after the name ({@code name:arch}, {@code name:arch=version},
 * {@code name:arch/suite}). {@code :native}, {@code :all} and {@code :any} mean the platform's own package, as in apt.
 */
public record DebianPackageRequest(String name, Optional<String> architecture, Optional<String> version,
    Optional<String> suite) {
  private static final String NAME = "[A-Za-z0-9][A-Za-z0-9.+_-]*";
  private static final String ARCH = "[a-z0-9][a-z0-9-]*";
  private static final String VERSION = "[A-Za-z0-9][A-Za-z0-9.+~:-]*";
  private static final String SUITE = "[A-Za-z0-9][A-Za-z0-9._-]*";

  /** A request without an architecture qualifier. */
  public DebianPackageRequest(String name, Optional<String> version, Optional<String> suite) {
    this(name, Optional.empty(), version, suite);
  }

  /** @throws IllegalArgumentException naming the entry and what is wrong with it */
  public static DebianPackageRequest parse(String request) {
    int cut = indexOfAny(request, "=/");
    String qualified = cut < 0 ? request : request.substring(0, cut);
    int colon = qualified.indexOf(':');
    String name = colon < 0 ? qualified : qualified.substring(0, colon);
    Optional<String> arch = Optional.empty();
    if (colon >= 0 && name.matches(NAME)) {
      String qualifier = qualified.substring(colon + 1);
      if (!qualifier.matches(ARCH)) {
        throw new IllegalArgumentException("package '" + request + "': '" + qualifier + "' is not an architecture;"
            + " write name:arch, such as busybox-static:arm64 or tzdata:all");
      }
      arch = Optional.of(qualifier);
    }
    if (!name.matches(NAME)) {
      throw new IllegalArgumentException("package name '" + request + "' is not valid");
    }
    if (cut < 0) {
      return new DebianPackageRequest(name, arch, Optional.empty(), Optional.empty());
    }
    String rest = request.substring(cut + 1);
    if (request.charAt(cut) == '=') {
      if (!rest.matches(VERSION)) {
        throw new IllegalArgumentException("package '" + request + "': '" + rest + "' is not a Debian version;"
            + " write name=version, such as curl=7.88.1-10+deb12u8");
      }
      return new DebianPackageRequest(name, arch, Optional.of(rest), Optional.empty());
    }
    if (!rest.matches(SUITE)) {
      throw new IllegalArgumentException("package '" + request + "': '" + rest + "' is not a suite name;"
          + " write name/suite, such as curl/bookworm-updates");
    }
    return new DebianPackageRequest(name, arch, Optional.empty(), Optional.of(rest));
  }

  private static int indexOfAny(String s, String chars) {
    for (int i = 0; i < s.length(); i++) {
      if (chars.indexOf(s.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The architecture whose package this request names on a platform of architecture {@code platformArch}: the
   * qualifier, except that {@code native}, {@code all} and {@code any} name the platform's own (apt installs the
   * native package for {@code name:all} and {@code name:any} too).
   */
  public String architectureOn(String platformArch) {
    return architecture.filter(a -> !a.equals("native") && !a.equals("all") && !a.equals("any")).orElse(platformArch);
  }

  /** As written in the spec. */
  @Override
  public String toString() {
    return name + architecture.map(a -> ":" + a).orElse("") + version.map(v -> "=" + v).orElse("")
        + suite.map(s -> "/" + s).orElse("");
  }
}

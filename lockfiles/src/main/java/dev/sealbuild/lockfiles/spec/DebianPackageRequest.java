package dev.sealbuild.lockfiles.spec;

import java.util.Optional;

/**
 * One {@code packages:} entry of a Debian spec, in apt-get's request syntax: {@code name}, {@code name=version} (that
 * exact version) or {@code name/suite} (the candidate from the repository entry of that suite, apt's target release).
 * Architecture qualifiers ({@code name:arch}) are not supported.
 */
public record DebianPackageRequest(String name, Optional<String> version, Optional<String> suite) {
  private static final String NAME = "[A-Za-z0-9][A-Za-z0-9.+_-]*";
  private static final String VERSION = "[A-Za-z0-9][A-Za-z0-9.+~:-]*";
  private static final String SUITE = "[A-Za-z0-9][A-Za-z0-9._-]*";

  /** @throws IllegalArgumentException naming the entry and what is wrong with it */
  public static DebianPackageRequest parse(String request) {
    int cut = indexOfAny(request, "=/");
    String name = cut < 0 ? request : request.substring(0, cut);
    if (name.contains(":") && name.matches("[^:]+:" + NAME)) {
      throw new IllegalArgumentException("package '" + request + "': architecture qualifiers (name:arch) are not"
          + " supported; the spec's platforms choose the architecture");
    }
    if (!name.matches(NAME)) {
      throw new IllegalArgumentException("package name '" + request + "' is not valid");
    }
    if (cut < 0) {
      return new DebianPackageRequest(name, Optional.empty(), Optional.empty());
    }
    String rest = request.substring(cut + 1);
    if (request.charAt(cut) == '=') {
      if (!rest.matches(VERSION)) {
        throw new IllegalArgumentException("package '" + request + "': '" + rest + "' is not a Debian version;"
            + " write name=version, such as curl=7.88.1-10+deb12u8");
      }
      return new DebianPackageRequest(name, Optional.of(rest), Optional.empty());
    }
    if (!rest.matches(SUITE)) {
      throw new IllegalArgumentException("package '" + request + "': '" + rest + "' is not a suite name;"
          + " write name/suite, such as curl/bookworm-updates");
    }
    return new DebianPackageRequest(name, Optional.empty(), Optional.of(rest));
  }

  private static int indexOfAny(String s, String chars) {
    for (int i = 0; i < s.length(); i++) {
      if (chars.indexOf(s.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }

  /** As written in the spec. */
  @Override
  public String toString() {
    return name + version.map(v -> "=" + v).orElse("") + suite.map(s -> "/" + s).orElse("");
  }
}

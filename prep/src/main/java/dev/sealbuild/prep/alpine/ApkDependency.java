package dev.sealbuild.prep.alpine;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One apk dependency atom as written in {@code D:}, {@code p:}, {@code i:}, {@code r:} fields and world
 * files: {@code [!]name[op version]}, e.g. {@code so:libc.musl-x86_64.so.1}, {@code busybox>=1.35},
 * {@code !dropbear-scp}, {@code cmd:curl=7.83.1-r4}. {@code version} is null exactly when {@code op} is
 * {@link ApkVersionOp#ANY}; for {@link ApkVersionOp#CHECKSUM} it is a {@code Q1...} package checksum.
 *
 * <p>Matches apk-tools 2.x {@code apk_dep_is_provided}: a conflict ({@code !name}) is satisfied when
 * no package provides the name, or only versions outside its range; an unversioned ("virtual") provide
 * satisfies only unversioned dependencies. A world entry may name a repository tag ({@code name@tag>=1.2}, {@link #tag}
 * null when it does not): only the resolver's pinning reads it.
 */
public record ApkDependency(String name, ApkVersionOp op, String version, boolean conflict, String tag) {
  private static final String COMPARERS = "<>=~";

  public ApkDependency(String name, ApkVersionOp op, String version, boolean conflict) {
    this(name, op, version, conflict, null);
  }

  public ApkDependency {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(op, "op");
    if (name.isEmpty()) {
      throw new ApkException("empty package name in dependency");
    }
    if ((op == ApkVersionOp.ANY) != (version == null)) {
      throw new IllegalArgumentException("version must be given exactly when op is not ANY: " + name);
    }
  }

  /** An unconditional dependency on {@code name}. */
  public static ApkDependency on(String name) {
    return parse(name);
  }

  /** Parses one atom such as {@code !foo}, {@code foo>=1.2-r0} or {@code so:libz.so.1}. */
  public static ApkDependency parse(String atom) {
    Objects.requireNonNull(atom, "dependency");
    String rest = atom;
    boolean conflict = rest.startsWith("!");
    if (conflict) {
      rest = rest.substring(1);
    }
    int opStart = indexOfAny(rest, COMPARERS, 0);
    String name = opStart < 0 ? rest : rest.substring(0, opStart);
    String tag = null;
    int at = name.indexOf('@');
    if (at >= 0) {
      tag = name.substring(at + 1);
      name = name.substring(0, at);
      if (tag.isEmpty() || tag.indexOf('@') >= 0) {
        throw new ApkException("invalid repository tag in dependency '" + Texts.abbreviate(atom) + "'");
      }
    }
    validateName(name, atom);
    if (opStart < 0) {
      return new ApkDependency(name, ApkVersionOp.ANY, null, conflict, tag);
    }
    int versionStart = opStart;
    while (versionStart < rest.length() && COMPARERS.indexOf(rest.charAt(versionStart)) >= 0) {
      versionStart++;
    }
    ApkVersionOp op = ApkVersionOp.fromSymbol(rest.substring(opStart, versionStart));
    String version = rest.substring(versionStart);
    if (op == ApkVersionOp.CHECKSUM) {
      ApkChecksum.parse(version, "dependency '" + Texts.abbreviate(atom) + "'");
    } else if (!ApkVersion.isValid(version)) {
      throw new ApkException("invalid version in dependency '" + Texts.abbreviate(atom) + "'");
    }
    return new ApkDependency(name, op, version, conflict, tag);
  }

  /** Parses a whitespace-separated list of atoms (a {@code D:} value or a world file). */
  public static List<ApkDependency> parseList(String field) {
    List<ApkDependency> deps = new ArrayList<>();
    for (String atom : field.trim().split("\\s+")) {
      if (!atom.isEmpty()) {
        deps.add(parse(atom));
      }
    }
    return List.copyOf(deps);
  }

  /**
   * Is this dependency satisfied by a package that provides {@link #name} at {@code providedVersion}
   * (null for an unversioned provide) and whose identity checksum is {@code packageChecksum}?
   */
  public boolean isProvidedBy(String providedVersion, String packageChecksum) {
    switch (op) {
      case CHECKSUM:
        return version.equals(packageChecksum);
      case ANY:
        return !conflict;
      default:
        if (providedVersion == null) {
          return conflict;
        }
        return op.matches(providedVersion, version) != conflict;
    }
  }

  /** Is this dependency satisfied when nothing provides {@link #name}? Only conflicts are. */
  public boolean isSatisfiedByNothing() {
    return conflict;
  }

  /** Is this dependency satisfied by {@code pkg}, through its own name or one of its provides? */
  public boolean isSatisfiedBy(ApkPackage pkg) {
    if (pkg.name().equals(name)) {
      return isProvidedBy(pkg.version(), pkg.checksum());
    }
    for (ApkDependency provide : pkg.provides()) {
      if (provide.name().equals(name)) {
        return isProvidedBy(provide.version(), pkg.checksum());
      }
    }
    return isSatisfiedByNothing();
  }

  /** The atom in apk's own notation. */
  @Override
  public String toString() {
    return (conflict ? "!" : "") + name + (tag == null ? "" : "@" + tag) + (version == null ? "" : op.symbol() + version);
  }

  private static void validateName(String name, String atom) {
    if (name.isEmpty()) {
      throw new ApkException("missing package name in dependency '" + Texts.abbreviate(atom) + "'");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c <= ' ' || c == 0x7f) {
        throw new ApkException("invalid character in package name of dependency '" + Texts.abbreviate(atom) + "'");
      }
    }
  }

  private static int indexOfAny(String s, String chars, int from) {
    for (int i = from; i < s.length(); i++) {
      if (chars.indexOf(s.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }
}

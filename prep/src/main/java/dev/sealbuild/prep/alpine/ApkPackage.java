package dev.sealbuild.prep.alpine;

import java.util.List;
import java.util.Objects;

/**
 * One package record of an {@code APKINDEX} or of an installed database ({@code lib/apk/db/installed}).
 * Field letters: {@code C} checksum, {@code P} name, {@code V} version, {@code A} arch, {@code S} size of
 * the .apk, {@code I} installed size, {@code T} description, {@code U} url, {@code L} license,
 * {@code o} origin, {@code m} maintainer, {@code t} build time, {@code c} commit, {@code D} depends,
 * {@code p} provides, {@code i} install_if, {@code k} provider priority, {@code r} replaces,
 * {@code q} replaces priority. Absent text fields are empty strings, absent numbers are 0.
 *
 * @param checksum {@code Q1} + base64 SHA-1 of the package's control gzip stream: its identity
 * @param installable false if the record carried an unknown upper-case field; apk marks such packages
 *     uninstallable and so does the resolver
 */
public record ApkPackage(
    String checksum,
    String name,
    String version,
    String arch,
    long size,
    long installedSize,
    String description,
    String url,
    String license,
    String origin,
    String maintainer,
    long buildTime,
    String commit,
    List<ApkDependency> depends,
    List<ApkDependency> provides,
    List<ApkDependency> installIf,
    int providerPriority,
    List<ApkDependency> replaces,
    int replacesPriority,
    boolean installable) {

  public ApkPackage {
    Objects.requireNonNull(checksum, "checksum");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    arch = Objects.requireNonNullElse(arch, "");
    description = Objects.requireNonNullElse(description, "");
    url = Objects.requireNonNullElse(url, "");
    license = Objects.requireNonNullElse(license, "");
    origin = Objects.requireNonNullElse(origin, "");
    maintainer = Objects.requireNonNullElse(maintainer, "");
    commit = Objects.requireNonNullElse(commit, "");
    depends = List.copyOf(depends);
    provides = List.copyOf(provides);
    installIf = List.copyOf(installIf);
    replaces = List.copyOf(replaces);
  }

  /** {@code name-version}, apk's usual way to name a package. */
  public String nameVersion() {
    return name + "-" + version;
  }

  /** The file name in a repository: {@code name-version.apk}. */
  public String fileName() {
    return nameVersion() + ".apk";
  }

  public ApkVersion parsedVersion() {
    return ApkVersion.parse(version);
  }

  @Override
  public String toString() {
    return nameVersion();
  }
}

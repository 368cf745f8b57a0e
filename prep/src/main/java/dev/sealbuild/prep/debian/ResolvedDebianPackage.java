package dev.sealbuild.prep.debian;

import dev.sealbuild.formats.digest.Sha256;
import java.util.List;
import java.util.Objects;

/**
 * One package of a resolved closure: what the lockfile records and what the installer needs.
 *
 * @param repository the {@link DebianRepositoryIndex#repositoryName()} the package comes from
 * @param filename the pool path relative to that repository's base URL
 * @param replaces the parsed Replaces field, so the installer can let this package take over files
 */
public record ResolvedDebianPackage(String name, DebianVersion version, String architecture, String repository,
    String filename, long size, Sha256 sha256, List<Relation> replaces, boolean essential,
    DebianPackage.MultiArch multiArch, String source) {

  public ResolvedDebianPackage {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(architecture, "architecture");
    Objects.requireNonNull(repository, "repository");
    Objects.requireNonNull(filename, "filename");
    Objects.requireNonNull(sha256, "sha256");
    replaces = List.copyOf(replaces);
    Objects.requireNonNull(multiArch, "multiArch");
    Objects.requireNonNull(source, "source");
  }

  /** {@code name=version}, as apt-get accepts it. */
  public String nameAndVersion() {
    return name + "=" + version;
  }
}

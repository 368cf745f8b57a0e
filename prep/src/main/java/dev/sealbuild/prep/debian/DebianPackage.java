package dev.sealbuild.prep.debian;

import dev.sealbuild.formats.digest.Sha256;
import java.util.Objects;

/**
 * One binary package stanza of a {@code Packages} index. Relation fields are kept as written (empty when absent) and
 * parsed on demand with {@link DependencyParser}, which keeps a whole archive's index small in memory.
 *
 * @param priority the Priority field as written, empty when absent
 * @param source the source package name (without version), the package's own name when absent
 * @param filename the pool path relative to the repository base URL, validated as a safe relative path
 * @param installedSizeKiB Installed-Size, -1 when absent
 * @param important {@code Important: yes} or {@code Protected: yes}
 */
public record DebianPackage(
    String name,
    DebianVersion version,
    String architecture,
    MultiArch multiArch,
    boolean essential,
    boolean important,
    String priority,
    String source,
    String filename,
    long size,
    Sha256 sha256,
    long installedSizeKiB,
    RelationFields relations) {

  /** The Multi-Arch field. */
  public enum MultiArch {
    NO, SAME, FOREIGN, ALLOWED;

    /** Parses the field value; absent or unknown values are {@link #NO}, as apt treats them (with a warning). */
    public static MultiArch parse(String value) {
      return switch (value) {
        case "same" -> SAME;
        case "foreign" -> FOREIGN;
        case "allowed" -> ALLOWED;
        default -> NO;
      };
    }
  }

  /** Relation fields as written in the stanza; each is {@code ""} when absent. */
  public record RelationFields(String preDepends, String depends, String recommends, String suggests,
      String enhances, String provides, String conflicts, String breaks, String replaces) {
    public static final RelationFields NONE = new RelationFields("", "", "", "", "", "", "", "", "");

    public RelationFields {
      Objects.requireNonNull(preDepends);
      Objects.requireNonNull(depends);
      Objects.requireNonNull(recommends);
      Objects.requireNonNull(suggests);
      Objects.requireNonNull(enhances);
      Objects.requireNonNull(provides);
      Objects.requireNonNull(conflicts);
      Objects.requireNonNull(breaks);
      Objects.requireNonNull(replaces);
    }
  }

  public DebianPackage {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(architecture, "architecture");
    Objects.requireNonNull(multiArch, "multiArch");
    Objects.requireNonNull(priority, "priority");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(filename, "filename");
    Objects.requireNonNull(sha256, "sha256");
    Objects.requireNonNull(relations, "relations");
    if (size < 0) {
      throw new IllegalArgumentException("negative size for " + name);
    }
  }

  /** {@code name version architecture}, e.g. for messages. */
  public String label() {
    return name + " " + version + " " + architecture;
  }
}

package dev.sealbuild.builder.sbom;

import dev.sealbuild.formats.digest.Sha256;
import java.util.List;
import java.util.Objects;

/**
 * One thing the image is made of, as both formats describe it. Fields a source does not state are null.
 *
 * @param ref identifier unique within the document, made of letters, digits, {@code .} and {@code -}
 * @param containedIn the ref of the component this one came inside (a package preinstalled in the base rootfs),
 *     or null when it was added to the image directly
 * @param platforms the platforms whose image holds it ({@code linux/amd64}), empty when all of them do
 * @param note one line on where it comes from and where it goes ({@code copy[0] to /srv/www/})
 */
public record SbomComponent(Kind kind, String ref, String name, String version, String architecture, Party supplier,
    StatedLicense license, String homepage, String summary, Sha256 sha256, String sha1, String purl,
    String downloadLocation, String containedIn, List<String> platforms, String note) {

  /** What a component is, in the order the documents list them. */
  public enum Kind {
    /** The base image the spec starts from (a registry image, pinned by digest). */
    BASE_IMAGE,
    /** The base root-filesystem tarball. */
    BASE_ROOTFS,
    /** A package the base rootfs already has installed, from its package database. */
    BASE_PACKAGE,
    /** A distribution package pinned in the lock and installed by sealbuild. */
    PACKAGE,
    /** A {@code files:} entry: a remote file pinned by URL and sha256. */
    PINNED_FILE,
    /** A regular file copied from next to the spec by a {@code copy:} entry. */
    LOCAL_FILE
  }

  public SbomComponent {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    if (ref == null || !ref.matches("[A-Za-z0-9.-]+")) {
      throw new IllegalArgumentException("component ref '" + ref + "' must be letters, digits, '.' and '-'");
    }
    platforms = platforms == null ? List.of() : platforms.stream().sorted().distinct().toList();
  }

  SbomComponent withRef(String newRef) {
    return new SbomComponent(kind, newRef, name, version, architecture, supplier, license, homepage, summary, sha256, sha1,
        purl, downloadLocation, containedIn, platforms, note);
  }

  /** A ref from its parts: each part's other characters become {@code -}. */
  static String refOf(String... parts) {
    StringBuilder b = new StringBuilder();
    for (String part : parts) {
      if (part == null || part.isEmpty()) {
        continue;
      }
      if (b.length() > 0) {
        b.append('-');
      }
      b.append(part.replaceAll("[^A-Za-z0-9.]+", "-"));
    }
    return b.toString();
  }
}

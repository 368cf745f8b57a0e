package dev.sealbuild.builder.facts;

import dev.sealbuild.formats.apk.PkgInfo;
import dev.sealbuild.formats.digest.Sha256;
import java.util.List;
import java.util.Objects;

/**
 * What the SBOM needs from inside one package blob (named by its sha256), recorded while the package is installed
 * so that describing it later reads no package again. Derived data: it can always be computed again from the blob.
 * A base (a rootfs tarball, or a base image by its first platform's manifest) has the package databases it holds.
 */
public sealed interface PackageFacts permits PackageFacts.Deb, PackageFacts.Apk, PackageFacts.Databases {
  /** The package blob these facts were read from. */
  Sha256 sha256();

  /**
   * A {@code .deb}: its control stanza as shipped, and the license short names its machine-readable
   * {@code /usr/share/doc/<package>/copyright} states (empty when it ships none, or a free-form one).
   */
  record Deb(Sha256 sha256, String control, List<String> copyrightLicenses) implements PackageFacts {
    public Deb {
      Objects.requireNonNull(sha256, "sha256");
      Objects.requireNonNull(control, "control");
      copyrightLicenses = List.copyOf(copyrightLicenses);
    }

    /** The facts of a package from its control text and copyright file (null when it ships none). */
    public static Deb of(Sha256 sha256, String control, String copyright) {
      return new Deb(sha256, control, CopyrightLicenses.names(copyright));
    }
  }

  /** An {@code .apk}: the fields of its {@code .PKGINFO} the SBOM reads; a field the package does not state is empty. */
  record Apk(Sha256 sha256, String name, String version, String arch, String license, String maintainer, String url,
      String description) implements PackageFacts {
    public Apk {
      Objects.requireNonNull(sha256, "sha256");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(version, "version");
      Objects.requireNonNull(arch, "arch");
      Objects.requireNonNull(license, "license");
      Objects.requireNonNull(maintainer, "maintainer");
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(description, "description");
    }

    public static Apk of(Sha256 sha256, PkgInfo info) {
      return new Apk(sha256, info.name(), info.version(), info.get("arch"), info.get("license"), info.get("maintainer"),
          info.get("url"), info.get("pkgdesc"));
    }
  }

  /**
   * The package databases a base holds, as the SBOM reads them: {@code lib/apk/db/installed}, {@code var/lib/dpkg/status}
   * (null when absent) and {@code var/lib/dpkg/status.d/*} by file name, without {@code .md5sums}.
   */
  record Databases(Sha256 sha256, String apk, String dpkgStatus, java.util.SortedMap<String, String> statusDir)
      implements PackageFacts {
    public static final dev.sealbuild.builder.fs.EntryPath APK_DB = dev.sealbuild.builder.fs.EntryPath.parse("lib/apk/db/installed");
    public static final dev.sealbuild.builder.fs.EntryPath DPKG_STATUS = dev.sealbuild.builder.fs.EntryPath.parse("var/lib/dpkg/status");
    public static final dev.sealbuild.builder.fs.EntryPath DPKG_STATUS_DIR = dev.sealbuild.builder.fs.EntryPath.parse("var/lib/dpkg/status.d");
    /** The most bytes of databases read from one base. */
    public static final long MAX_BYTES = 64L << 20;

    /** Whether a regular file at {@code path} is one of the databases kept. */
    public static boolean wanted(dev.sealbuild.builder.fs.EntryPath path) {
      return path.equals(APK_DB) || path.equals(DPKG_STATUS)
          || (path.parent().equals(DPKG_STATUS_DIR) && !path.name().endsWith(".md5sums"));
    }

    public Databases {
      Objects.requireNonNull(sha256, "sha256");
      statusDir = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(statusDir));
    }
  }
}

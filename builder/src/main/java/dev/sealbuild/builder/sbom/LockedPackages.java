package dev.sealbuild.builder.sbom;

import dev.sealbuild.formats.purl.PackageUrl;
import dev.sealbuild.formats.deb822.Deb822Stanza;
import dev.sealbuild.formats.deb822.Deb822Reader;
import dev.sealbuild.builder.apk.ApkMetadata;
import dev.sealbuild.builder.archive.ContentSpool;
import dev.sealbuild.formats.compress.Decompressors;
import dev.sealbuild.builder.cache.CacheReader;
import dev.sealbuild.builder.deb.DebArchive;
import dev.sealbuild.builder.facts.PackageFacts;
import dev.sealbuild.formats.HostileInputException;
import dev.sealbuild.formats.io.Printable;
import dev.sealbuild.lockfiles.lock.LockException;
import dev.sealbuild.lockfiles.lock.LockedPackage;
import dev.sealbuild.formats.oci.Platform;
import dev.sealbuild.lockfiles.spec.RepositorySpec;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * The packages of the lock as their own metadata describes them: each one's control stanza and copyright file (.deb)
 * or {@code .PKGINFO} (.apk), as the package's facts: those the install recorded, else read from the package.
 */
final class LockedPackages {
  private final CacheReader cache;
  private final Decompressors decompressors;
  private final ContentSpool spool;
  private final SpdxLicenses licenses;

  LockedPackages(CacheReader cache, Decompressors decompressors, ContentSpool spool, SpdxLicenses licenses) {
    this.cache = cache;
    this.decompressors = decompressors;
    this.spool = spool;
    this.licenses = licenses;
  }

  SbomComponent describe(LockedPackage p, List<RepositorySpec> repositories, List<Platform> allPlatforms) throws IOException {
    String label = "package " + p.label();
    List<String> platforms = p.platforms().size() == allPlatforms.size() ? List.of()
        : p.platforms().stream().map(Platform::toString).toList();
    String download = downloadLocation(p, repositories);
    String ref = SbomComponent.refOf(p.type(), p.name(), p.version(), p.architecture(), p.sha256().hex().substring(0, 12));
    return switch (p.type()) {
      case "deb" -> {
        PackageFacts.Deb facts = facts(p, label, PackageFacts.Deb.class);
        Deb822Stanza control = Deb822Reader.parseFirst(facts.control(), label + " control");
        requireSame(p, label, control.folded("package"), control.folded("version"), "control file");
        StatedLicense license = DebianCopyright.read(facts.copyrightLicenses(),
            "/usr/share/doc/" + p.name() + "/copyright (copyright-format 1.0)", licenses).orElse(null);
        yield new SbomComponent(SbomComponent.Kind.PACKAGE, ref, p.name(), p.version(), p.architecture(),
            Party.parse(control.folded("maintainer")), license, webAddress(control.folded("homepage")),
            oneLine(control.firstLine("description")), p.sha256(), null, PackageUrl.deb(p.name(), p.version(), p.architecture(), null),
            download, null, platforms, "from repository " + p.repository() + ", " + p.path());
      }
      case "apk" -> {
        PackageFacts.Apk info = facts(p, label, PackageFacts.Apk.class);
        requireSame(p, label, info.name(), info.version(), ".PKGINFO");
        yield new SbomComponent(SbomComponent.Kind.PACKAGE, ref, p.name(), p.version(), p.architecture(),
            Party.parse(info.maintainer()), stated(info.license(), ".PKGINFO"), webAddress(info.url()), oneLine(info.description()),
            p.sha256(), null, PackageUrl.apk(p.name(), p.version(), p.architecture()), download, null, platforms,
            "from repository " + p.repository() + ", " + p.path());
      }
      default -> throw new LockException("packages of type " + Printable.of(p.type()) + " cannot be described by this sealbuild");
    };
  }

  /** Whether describing {@code p} needs its blob: no facts for it from this run or the cache. */
  boolean needsBlob(LockedPackage p) {
    Class<? extends PackageFacts> type = switch (p.type()) {
      case "deb" -> PackageFacts.Deb.class;
      case "apk" -> PackageFacts.Apk.class;
      default -> null;
    };
    return type == null || !cache.facts().find(p.sha256()).map(type::isInstance).orElse(false);
  }

  /**
   * The package's facts: recorded by this run's install, else the cache's facts file, else read from the package
   * itself (the whole blob hashed against the lock on the way) and recorded for next time.
   */
  private <F extends PackageFacts> F facts(LockedPackage p, String label, Class<F> type) throws IOException {
    Optional<PackageFacts> known = cache.facts().find(p.sha256()).filter(type::isInstance);
    if (known.isPresent()) {
      return type.cast(known.get());
    }
    PackageFacts read;
    if (type == PackageFacts.Deb.class) {
      DebArchive.Documentation doc = cache.read(p.sha256(), p.size(), label, true,
          in -> new DebArchive(decompressors, spool).readDocumentation(in, label));
      read = PackageFacts.Deb.of(p.sha256(), doc.control().control(), doc.copyright());
    } else {
      ApkMetadata m = cache.read(p.sha256(), p.size(), label, true, in -> ApkMetadata.read(in, decompressors, spool, label));
      read = new PackageFacts.Apk(p.sha256(), m.name(), m.version(), m.arch(), m.license(), m.maintainer(), m.url(), m.description());
    }
    cache.facts().record(read);
    return type.cast(read);
  }

  /** An Alpine-style statement, with its SPDX form when it is one. */
  StatedLicense stated(String statement, String source) {
    if (statement == null || statement.isBlank()) {
      return null;
    }
    return new StatedLicense(statement.strip(), source, licenses.fromSpdxSyntax(statement).orElse(null));
  }

  private static void requireSame(LockedPackage p, String label, String name, String version, String where) {
    if (!p.name().equals(name) || !p.version().equals(version)) {
      throw new HostileInputException(label + ": its " + where + " names " + Printable.of(String.valueOf(name)) + " "
          + Printable.of(String.valueOf(version)) + "; check the repository, then run build lock again");
    }
  }

  /** The spec's URL of the package's repository joined with the package's path, when the spec gives one. */
  private static String downloadLocation(LockedPackage p, List<RepositorySpec> repositories) {
    Optional<URI> url = repositories.stream().filter(r -> r.name().equals(p.repository()) && r.url() != null)
        .map(RepositorySpec::url).findFirst();
    if (url.isEmpty()) {
      return null;
    }
    String base = url.get().toString();
    return (base.endsWith("/") ? base : base + "/") + p.path();
  }

  /** An http(s) URL that parses, else null: what both formats accept as a web address. */
  static String webAddress(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      URI uri = new URI(text.strip());
      boolean web = "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
      return web && uri.getHost() != null ? uri.toString() : null;
    } catch (java.net.URISyntaxException e) {
      return null;
    }
  }

  static String oneLine(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    String line = text.strip();
    return line.chars().anyMatch(c -> c < 0x20 || c == 0x7f) ? Printable.of(line) : line;
  }
}

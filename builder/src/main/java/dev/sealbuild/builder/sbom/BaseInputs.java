package dev.sealbuild.builder.sbom;

import dev.sealbuild.formats.purl.PackageUrl;
import dev.sealbuild.formats.deb822.Deb822Stanza;
import dev.sealbuild.formats.deb822.Deb822Reader;
import dev.sealbuild.builder.apk.ApkMetadata;
import dev.sealbuild.formats.compress.ArchiveFormat;
import dev.sealbuild.builder.archive.ContentSpool;
import dev.sealbuild.formats.compress.Decompressors;
import dev.sealbuild.builder.archive.IngestPolicy;
import dev.sealbuild.builder.archive.TarIngest;
import dev.sealbuild.builder.cache.CacheReader;
import dev.sealbuild.builder.fs.EntryPath;
import dev.sealbuild.formats.HostileInputException;
import dev.sealbuild.builder.fs.ImageTree;
import dev.sealbuild.builder.fs.Meta;
import dev.sealbuild.builder.inspect.ImageContents;
import dev.sealbuild.builder.inspect.StoredImage;
import dev.sealbuild.formats.UserError;
import dev.sealbuild.lockfiles.lock.LockedBaseImage;
import dev.sealbuild.lockfiles.lock.LockedPlatformImage;
import dev.sealbuild.lockfiles.lock.LockedRootfs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import dev.sealbuild.builder.facts.PackageFacts;
import dev.sealbuild.formats.digest.Sha256;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/**
 * What the image starts from: a base image (by the digest it was pinned to), or a root-filesystem tarball together
 * with the packages its own package database says it has installed ({@code lib/apk/db/installed},
 * {@code var/lib/dpkg/status}, {@code var/lib/dpkg/status.d/*}). The tarball is read entry by entry with the
 * same checks as when the image is built; only those database files are kept, bounded in size.
 */
final class BaseInputs {
  private static final EntryPath APK_DB = PackageFacts.Databases.APK_DB;
  private static final EntryPath DPKG_STATUS = PackageFacts.Databases.DPKG_STATUS;
  private static final EntryPath DPKG_STATUS_DIR = PackageFacts.Databases.DPKG_STATUS_DIR;
  private static final long MAX_DATABASE_BYTES = PackageFacts.Databases.MAX_BYTES;

  private final CacheReader cache;
  private final Decompressors decompressors;
  private final ContentSpool spool;
  private final LockedPackages packages;

  BaseInputs(CacheReader cache, Decompressors decompressors, ContentSpool spool, LockedPackages packages) {
    this.cache = cache;
    this.decompressors = decompressors;
    this.spool = spool;
    this.packages = packages;
  }

  /** The base image: one component, pinned by the digest its reference resolved to. */
  static SbomComponent image(LockedBaseImage image) {
    StringBuilder note = new StringBuilder("base image ").append(image.reference()).append(", pinned as ").append(image.pinned());
    for (LockedPlatformImage p : image.platforms()) {
      note.append("; ").append(p.platform()).append(" manifest ").append(p.manifest().digest());
    }
    String name = image.repository();
    return new SbomComponent(SbomComponent.Kind.BASE_IMAGE, SbomComponent.refOf("image", name, image.root().digest().hex().substring(0, 12)),
        name, image.root().digest().toString(), null, null, null, null, null, image.root().digest(), null,
        PackageUrl.oci(image.repository(), image.root().digest(), PackageUrl.tagOf(image.reference()), null), null, null,
        List.of(), note.toString());
  }

  /** The rootfs tarball, then each package its database lists, contained in it. */
  List<SbomComponent> rootfs(LockedRootfs rootfs) throws IOException {
    String label = "base rootfs " + rootfs.source();
    String source = rootfs.source();
    boolean remote = source.startsWith("https://") || source.startsWith("http://");
    String path = remote ? java.net.URI.create(source).getPath() : source;
    String fileName = path == null || path.isEmpty() ? source : path.substring(path.lastIndexOf('/') + 1);
    String ref = SbomComponent.refOf("rootfs", fileName, rootfs.sha256().hex().substring(0, 12));
    List<SbomComponent> components = new ArrayList<>();
    components.add(new SbomComponent(SbomComponent.Kind.BASE_ROOTFS, ref, fileName, null, null, null, null, null, null,
        rootfs.sha256(), null, null, remote ? source : null, null, List.of(),
        "base root filesystem " + (remote ? "from " : "from the local file ") + source));
    ArchiveFormat format = ArchiveFormat.fromName(source);
    if (format == ArchiveFormat.ZIP) {
      throw new UserError(label + " must be a tar archive (tar, tar.gz, tar.xz, tar.zst)");
    }
    Databases found = known(rootfs.sha256(), label).orElse(null);
    if (found == null) {
      found = cache.read(rootfs.sha256(), rootfs.size(), label, true, in -> {
        Databases db = new Databases(label);
        new TarIngest(spool).ingest(decompressors.tarStream(in, format, label), new ImageTree(label, 0, 1),
            IngestPolicy.rootfs(0, label), db);
        return db;
      });
      cache.facts().record(found.facts(rootfs.sha256()));
    }
    components.addAll(installed(found, ref, "the base rootfs"));
    return components;
  }

  /**
   * The packages a base image's own databases list, read from its first platform's layers in the cache, stacked
   * with whiteouts applied (every platform of an image normally has the same packages).
   */
  List<SbomComponent> imagePackages(LockedBaseImage image) throws IOException {
    LockedPlatformImage first = image.platforms().get(0);
    String ref = SbomComponent.refOf("image", image.repository(), image.root().digest().hex().substring(0, 12));
    Optional<Databases> known = known(first.manifest().digest(), "base image " + image.reference());
    if (known.isPresent()) {
      return installed(known.get(), ref, "the base image");
    }
    List<StoredImage.Layer> layers = new ArrayList<>();
    for (int i = 0; i < first.layers().size(); i++) {
      var layer = first.layers().get(i);
      String label = "base image " + image.reference() + " " + first.platform() + " layer " + (i + 1);
      layers.add(new StoredImage.Layer(layer.toDescriptor(), cache.verifiedPath(layer.digest(), layer.size(), label)));
    }
    ImageContents contents = ImageContents.of(first.platform(), layers, decompressors.limits());
    Databases found = new Databases("base image " + image.reference());
    contents.databases().forEach((path, bytes) -> {
      String text = new String(bytes, StandardCharsets.UTF_8);
      if (path.equals(APK_DB.value())) {
        found.apk = text;
      } else if (path.equals(DPKG_STATUS.value())) {
        found.dpkgStatus = text;
      } else if (path.startsWith(DPKG_STATUS_DIR.value() + "/") && !path.endsWith(".md5sums")) {
        found.statusDir.put(path.substring(path.lastIndexOf('/') + 1), text);
      }
    });
    cache.facts().record(found.facts(first.manifest().digest()));
    return installed(found, ref, "the base image");
  }

  /** Whether describing the rootfs's packages needs its blob: no recorded facts for it. */
  boolean needsBlob(LockedRootfs rootfs) {
    return known(rootfs.sha256(), "").isEmpty();
  }

  /** The databases recorded for a base (a rootfs blob, or a base image's manifest) by an earlier read or build. */
  private Optional<Databases> known(Sha256 key, String label) {
    return cache.facts().find(key).filter(PackageFacts.Databases.class::isInstance)
        .map(f -> Databases.of((PackageFacts.Databases) f, label));
  }

  /** One component per package the databases list as installed, each contained in {@code containerRef}. */
  private List<SbomComponent> installed(Databases found, String ref, String where) {
    List<SbomComponent> components = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    if (found.apk != null) {
      for (ApkMetadata m : ApkMetadata.installed(found.apk)) {
        if (m.name().isBlank() || !seen.add("apk " + m.name() + " " + m.version() + " " + m.arch())) {
          continue;
        }
        components.add(new SbomComponent(SbomComponent.Kind.BASE_PACKAGE,
            SbomComponent.refOf("base", "apk", m.name(), m.version(), m.arch()), m.name(), blankToNull(m.version()), blankToNull(m.arch()),
            Party.parse(m.maintainer()), packages.stated(m.license(), where + "'s " + APK_DB), LockedPackages.webAddress(m.url()),
            LockedPackages.oneLine(m.description()), null, null, PackageUrl.apk(m.name(), m.version(), m.arch()), null, ref,
            List.of(), "installed in " + where + " (" + APK_DB + ")"));
      }
    }
    List<Map.Entry<Deb822Stanza, String>> dpkg = new ArrayList<>();
    if (found.dpkgStatus != null) {
      for (Deb822Stanza s : Deb822Reader.parseAll(found.dpkgStatus, where + " " + DPKG_STATUS, Deb822Reader.Syntax.STRICT)) {
        String status = s.folded("status");
        if (status != null && status.endsWith(" installed")) {
          dpkg.add(Map.entry(s, DPKG_STATUS.toString()));
        }
      }
    }
    found.statusDir.forEach((file, text) -> Deb822Reader.parseAll(text, where + " " + DPKG_STATUS_DIR + "/" + file, Deb822Reader.Syntax.STRICT).forEach(s -> dpkg.add(Map.entry(s, DPKG_STATUS_DIR + "/" + file))));
    for (Map.Entry<Deb822Stanza, String> entry : dpkg) {
      Deb822Stanza s = entry.getKey();
      String name = s.folded("package");
      String version = s.folded("version");
      String arch = s.folded("architecture");
      if (name != null && !name.isBlank() && version != null && !version.isBlank()
          && seen.add("deb " + name + " " + version + " " + arch)) {
        components.add(new SbomComponent(SbomComponent.Kind.BASE_PACKAGE, SbomComponent.refOf("base", "deb", name, version, arch),
            name, version, arch, Party.parse(s.folded("maintainer")), null, LockedPackages.webAddress(s.folded("homepage")),
            LockedPackages.oneLine(s.firstLine("description")), null, null, PackageUrl.deb(name, version, arch, null), null, ref,
            List.of(), "installed in " + where + " (" + entry.getValue() + ")"));
      }
    }
    return components;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  /** Takes every entry (nothing is placed) and keeps the package databases' text; later entries replace earlier ones. */
  private static final class Databases implements TarIngest.EntryHook {
    private String apk;
    private String dpkgStatus;
    private final Map<String, String> statusDir = new TreeMap<>();
    private final String label;
    private long kept;

    Databases(String label) {
      this.label = label;
    }

    static Databases of(PackageFacts.Databases facts, String label) {
      Databases db = new Databases(label);
      db.apk = facts.apk();
      db.dpkgStatus = facts.dpkgStatus();
      db.statusDir.putAll(facts.statusDir());
      return db;
    }

    PackageFacts.Databases facts(Sha256 key) {
      return new PackageFacts.Databases(key, apk, dpkgStatus, new TreeMap<>(statusDir));
    }

    @Override
    public boolean take(String name, String linkName, TarArchiveEntry entry, InputStream data) throws IOException {
      if (!dev.sealbuild.formats.tar.TarReader.isRegularFile(entry)) {
        return true;
      }
      EntryPath path = EntryPath.parse(name);
      if (!PackageFacts.Databases.wanted(path)) {
        return true;
      }
      kept += entry.getSize();
      if (entry.getSize() > MAX_DATABASE_BYTES || kept > MAX_DATABASE_BYTES) {
        throw new HostileInputException(label + ": package database " + path + " is larger than " + MAX_DATABASE_BYTES + " bytes; refusing to read it");
      }
      String text = new String(data.readNBytes((int) entry.getSize()), StandardCharsets.UTF_8);
      if (path.equals(APK_DB)) {
        apk = text;
      } else if (path.equals(DPKG_STATUS)) {
        dpkgStatus = text;
      } else {
        statusDir.put(path.name(), text);
      }
      return true;
    }

    @Override
    public void placed(String name, String linkName, TarArchiveEntry entry, Meta meta) {
      throw new IllegalStateException("nothing is placed while reading package databases");
    }
  }
}

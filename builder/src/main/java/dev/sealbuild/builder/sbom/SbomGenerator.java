package dev.sealbuild.builder.sbom;

import dev.sealbuild.builder.archive.ContentSpool;
import dev.sealbuild.formats.compress.DecompressionLimits;
import dev.sealbuild.formats.compress.Decompressors;
import dev.sealbuild.builder.cache.CacheReader;
import dev.sealbuild.builder.source.BuildContext;
import dev.sealbuild.builder.source.LocalFileDigests;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.lockfiles.lock.LockException;
import dev.sealbuild.lockfiles.lock.LockStatus;
import dev.sealbuild.lockfiles.lock.LockedFile;
import dev.sealbuild.lockfiles.lock.LockedPackage;
import dev.sealbuild.lockfiles.lock.Lockfile;
import dev.sealbuild.lockfiles.lock.StageBases;
import dev.sealbuild.lockfiles.lock.LockfileIO;
import dev.sealbuild.lockfiles.spec.BuildSpec;
import dev.sealbuild.lockfiles.spec.FileEntry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Software bills of materials for what {@code build image} would build from a spec, its lock and the vendor cache,
 * offline: every package (described by its own metadata: the facts its install recorded, else read from the cache),
 * the base image or rootfs (with the
 * packages a rootfs says it has installed), the pinned files and the local files. Same spec, lock, cache and
 * local files: byte-identical documents.
 */
public final class SbomGenerator {
  private final CacheReader cache;
  private final DecompressionLimits limits;
  private final String toolVersion;
  private final LocalFileDigests localFiles;
  private final SpdxLicenses licenses = SpdxLicenses.bundled();

  /** @param toolVersion sealbuild's version, recorded as the documents' creator */
  public SbomGenerator(CacheReader cache, DecompressionLimits limits, String toolVersion) {
    this(cache, limits, toolVersion, new LocalFileDigests());
  }

  /** With the digests of local files the build that made the image read already. */
  public SbomGenerator(CacheReader cache, DecompressionLimits limits, String toolVersion, LocalFileDigests localFiles) {
    this.cache = cache;
    this.limits = limits;
    this.toolVersion = toolVersion;
    this.localFiles = localFiles;
  }

  /** The document in {@code format}, as UTF-8 JSON ending in a newline, created at the lock's epoch. */
  public byte[] generate(BuildSpec spec, Lockfile lock, Path specDir, SbomFormat format) throws IOException {
    return generate(spec, lock, specDir, format, lock.sourceDateEpoch());
  }

  /**
   * The document for an image stamped with {@code epoch} ({@code SOURCE_DATE_EPOCH} when given, else the lock's):
   * its creation time is the image's.
   */
  public byte[] generate(BuildSpec spec, Lockfile lock, Path specDir, SbomFormat format, long epoch) throws IOException {
    return write(collect(spec, lock, specDir, epoch), format);
  }

  /**
   * Writes the document for an image stamped with {@code epoch} to {@code out} as it is produced: a document with
   * a component per file never exists whole in memory.
   */
  public void generate(BuildSpec spec, Lockfile lock, Path specDir, SbomFormat format, long epoch, OutputStream out)
      throws IOException {
    write(collect(spec, lock, specDir, epoch), format, out);
  }

  public byte[] write(BillOfMaterials bom, SbomFormat format) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      write(bom, format, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array does not fail
    }
    return out.toByteArray();
  }

  public void write(BillOfMaterials bom, SbomFormat format, OutputStream out) throws IOException {
    switch (format) {
      case SPDX_JSON -> SpdxJsonWriter.write(bom, toolVersion, out);
      case CYCLONEDX_JSON -> CycloneDxJsonWriter.write(bom, toolVersion, out);
    }
  }

  /** What the image is made of, independent of the format, created at the lock's epoch. */
  public BillOfMaterials collect(BuildSpec spec, Lockfile lock, Path specDir) throws IOException {
    return collect(spec, lock, specDir, lock.sourceDateEpoch());
  }

  /** What an image stamped with {@code epoch} is made of, independent of the format. */
  public BillOfMaterials collect(BuildSpec spec, Lockfile lock, Path specDir, long epoch) throws IOException {
    LockStatus status = LockStatus.check(spec, lock);
    if (!status.upToDate()) {
      throw new LockException("build.lock.json is stale: " + status.problems().get(0)
          + (status.problems().size() > 1 ? " (and " + (status.problems().size() - 1) + " more)" : "")
          + "; run build lock, then build prep");
    }
    Path scratch = Files.createTempDirectory("sealbuild-sbom");
    try (ContentSpool spool = new ContentSpool(scratch)) {
      Decompressors decompressors = new Decompressors(limits);
      BuildContext context = new BuildContext(cache, spool, epoch, limits, specDir, decompressors, localFiles);
      LockedPackages packages = new LockedPackages(cache, decompressors, spool, licenses);
      // An image on base: {stage: ...} is made of what the stages of its base chain put in too.
      List<BuildSpec> specs = new ArrayList<>(List.of(spec));
      spec.baseChain(spec.base()).forEach(stage -> specs.add(spec.stage(stage)));
      List<Lockfile> locks = StageBases.imageChain(spec, lock);
      for (Lockfile scope : locks) {
        if (scope.rootfs() != null && new BaseInputs(cache, decompressors, spool, packages).needsBlob(scope.rootfs())) {
          cache.requirePresent(scope.rootfs().sha256(), "base rootfs " + scope.rootfs().source());
        }
        for (LockedPackage p : scope.installedPackages()) {
          if (packages.needsBlob(p)) {
            cache.requirePresent(p.sha256(), "package " + p.label());
          }
        }
      }
      List<SbomComponent> components = new ArrayList<>();
      // What a scope removes from its base is gone from the image, also when a stage of the base chain installed it.
      Set<String> removed = new HashSet<>();
      for (int i = 0; i < specs.size(); i++) {
        for (LockedPackage p : locks.get(i).installedPackages()) {
          if (!removed.contains(p.name() + " " + p.version())) {
            components.add(packages.describe(p, specs.get(i).repositories(), specs.get(i).platforms()));
          }
        }
        locks.get(i).removedList().forEach(r -> removed.add(r.name() + " " + r.version()));
      }
      Lockfile root = locks.get(locks.size() - 1);
      if (root.baseImage() != null) {
        components.add(BaseInputs.image(root.baseImage()));
        components.addAll(withoutRemoved(withoutReplaced(new BaseInputs(cache, decompressors, spool, packages)
            .imagePackages(root.baseImage()), components), removed));
      }
      if (root.rootfs() != null) {
        components.addAll(withoutRemoved(withoutReplaced(new BaseInputs(cache, decompressors, spool, packages).rootfs(root.rootfs()),
            components), removed));
      }
      for (int i = 0; i < specs.size(); i++) {
        components.addAll(pinnedFiles(specs.get(i), locks.get(i)));
        components.addAll(new LocalInputs(context).describe(specs.get(i).copy()));
      }
      return new BillOfMaterials(spec.name(), spec.platforms(), epoch, lock.specDigest(),
          Sha256.hash(new LockfileIO().toBytes(lock)), licenses.listVersion(), components);
    } finally {
      Files.deleteIfExists(scratch);
    }
  }

  /** Base packages the lock installs again (an upgrade over the rootfs's copy) are listed once, as locked. */
  private static List<SbomComponent> withoutReplaced(List<SbomComponent> base, List<SbomComponent> locked) {
    Set<String> installed = locked.stream().filter(c -> c.purl() != null).map(c -> identity(c.purl())).collect(Collectors.toSet());
    return base.stream().filter(c -> c.purl() == null || !installed.contains(identity(c.purl()))).toList();
  }

  /** Base packages the lock removes from the base ({@code name version}) are not in the image, so not listed. */
  private static List<SbomComponent> withoutRemoved(List<SbomComponent> base, Set<String> removed) {
    return base.stream().filter(c -> c.kind() != SbomComponent.Kind.BASE_PACKAGE || !removed.contains(c.name() + " " + c.version()))
        .toList();
  }

  /** A purl without its version: type, name and qualifiers (the architecture). */
  private static String identity(String purl) {
    int at = purl.indexOf('@');
    int query = purl.indexOf('?');
    return at < 0 ? purl : purl.substring(0, at) + (query < 0 ? "" : purl.substring(query));
  }

  private static List<SbomComponent> pinnedFiles(BuildSpec spec, Lockfile lock) {
    List<SbomComponent> files = new ArrayList<>();
    for (int i = 0; i < spec.files().size(); i++) {
      FileEntry entry = spec.files().get(i);
      if (entry.temporary()) {
        continue; // read by run steps, never in the image
      }
      LockedFile locked = lock.file(entry.url().toString())
          .orElseThrow(() -> new LockException("lock does not pin " + entry.url() + "; run build lock"));
      String path = entry.url().getPath();
      String name = path == null || path.isEmpty() || path.endsWith("/") ? entry.url().toString() : path.substring(path.lastIndexOf('/') + 1);
      files.add(new SbomComponent(SbomComponent.Kind.PINNED_FILE,
          SbomComponent.refOf("pinned", name, locked.sha256().hex().substring(0, 12)), name, null, null, null, null, null, null,
          locked.sha256(), null, null, entry.url().toString(), null, List.of(),
          "files[" + i + "] " + (entry.extract() ? "extracted into " : "to ") + entry.dest()));
    }
    return files;
  }
}

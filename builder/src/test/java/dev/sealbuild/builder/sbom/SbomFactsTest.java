package dev.sealbuild.builder.sbom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.builder.build.ImageBuild;
import dev.sealbuild.builder.cache.CacheReader;
import dev.sealbuild.builder.output.OutputTarget;
import dev.sealbuild.builder.testing.Refusals;
import dev.sealbuild.formats.compress.DecompressionLimits;
import dev.sealbuild.formats.oci.Platform;
import dev.sealbuild.lockfiles.cache.VendorCacheLayout;
import dev.sealbuild.lockfiles.lock.LockedPackage;
import dev.sealbuild.lockfiles.lock.LockedRootfs;
import dev.sealbuild.lockfiles.lock.Lockfile;
import dev.sealbuild.lockfiles.lock.SpecDigest;
import dev.sealbuild.lockfiles.spec.BuildSpec;
import dev.sealbuild.testsupport.deb.Compression;
import dev.sealbuild.testsupport.deb.DebFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SBOM describes packages from the facts their install recorded (kept in the vendor cache under
 * {@code facts/sha256/}): the same document whether the facts are cold, warm or this build's own, without the
 * package blobs once the facts are there; a damaged facts file is never trusted.
 */
class SbomFactsTest {
  private static final String SPEC = """
      name: debian-tools
      repositories:
        - {name: debian, type: debian, url: "http://10.1.2.3/debian", suite: bookworm}
      packages: [hello, oldstyle, nodoc]
      """;
  private static final String DEP5 = "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\n"
      + "Files: *\nCopyright: 2022 Free Software Foundation, Inc.\nLicense: GPL-3+\n\n"
      + "Files: debian/*\nCopyright: 2020 A Maintainer\nLicense: Expat\n";

  @TempDir Path work;

  private record Project(SbomTestKit kit, BuildSpec spec, Lockfile lock, List<LockedPackage> packages) {}

  private Project project() throws IOException {
    return project(false);
  }

  /** Three packages (xz, gzip and zstd payloads), with or without a base rootfs holding a dpkg database. */
  private Project project(boolean withRootfs) throws IOException {
    SbomTestKit kit = new SbomTestKit(work);
    List<DebFile> debs = List.of(
        DebFile.named("hello").version("2.10-3").compression(Compression.XZ, Compression.XZ).dir("./usr/").dir("./usr/share/")
            .dir("./usr/share/doc/").dir("./usr/share/doc/hello/").file("./usr/share/doc/hello/copyright", DEP5)
            .field("Homepage", "https://www.gnu.org/software/hello/"),
        DebFile.named("oldstyle").version("0.9-1").dir("./usr/").dir("./usr/share/").dir("./usr/share/doc/")
            .dir("./usr/share/doc/oldstyle/").file("./usr/share/doc/oldstyle/copyright", "Free-form.\n\nLicense: GPL\n"),
        DebFile.named("nodoc").version("5").compression(Compression.ZST, Compression.ZST));
    List<LockedPackage> packages = new ArrayList<>();
    for (DebFile deb : debs) {
      byte[] bytes = deb.build();
      packages.add(new LockedPackage("deb", deb.name(), deb.version(), "amd64", "debian",
          "pool/main/" + deb.name() + "_amd64.deb", kit.cache(bytes), bytes.length, null, List.of(Platform.LINUX_AMD64)));
    }
    if (!withRootfs) {
      BuildSpec spec = kit.spec(SPEC);
      return new Project(kit, spec, new Lockfile(Lockfile.VERSION, SpecDigest.of(spec), 0, null, null, List.of(), null, packages), packages);
    }
    byte[] rootfs = rootfsTar();
    BuildSpec spec = kit.spec(SPEC + "base:\n  rootfs: {path: rootfs.tar}\n");
    Lockfile lock = new Lockfile(Lockfile.VERSION, SpecDigest.of(spec), 0,
        new LockedRootfs("rootfs.tar", kit.cache(rootfs), (long) rootfs.length), null, List.of(), null, packages);
    return new Project(kit, spec, lock, packages);
  }

  /** A rootfs whose dpkg database (status and distroless status.d) lists two packages. */
  private static byte[] rootfsTar() throws IOException {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
      for (String dir : List.of("var/", "var/lib/", "var/lib/dpkg/", "var/lib/dpkg/status.d/")) {
        out.putArchiveEntry(new TarArchiveEntry(dir));
        out.closeArchiveEntry();
      }
      String status = "Package: base-files\nStatus: install ok installed\nVersion: 12.4\nArchitecture: amd64\n"
          + "Maintainer: Base Files <base-files@example.org>\nHomepage: https://base-files.example.org/\n";
      String tzdata = "Package: tzdata\nVersion: 2024a-0\nArchitecture: all\nMaintainer: Tz <tz@example.org>\n";
      for (String[] file : List.of(new String[] {"var/lib/dpkg/status", status}, new String[] {"var/lib/dpkg/status.d/tzdata", tzdata},
          new String[] {"var/lib/dpkg/status.d/tzdata.md5sums", "0123  usr/share/zoneinfo/UTC\n"})) {
        byte[] content = file[1].getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry e = new TarArchiveEntry(file[0]);
        e.setSize(content.length);
        out.putArchiveEntry(e);
        out.write(content);
        out.closeArchiveEntry();
      }
    }
    return bytes.toByteArray();
  }

  private static byte[] sbom(Project p, VendorCacheLayout cache) throws IOException {
    return new SbomGenerator(new CacheReader(cache), DecompressionLimits.DEFAULT, SbomTestKit.TOOL_VERSION)
        .generate(p.spec(), p.lock(), p.kit().specDir, SbomFormat.SPDX_JSON);
  }

  /** A copy of the vendor cache, as a user would make one. */
  private VendorCacheLayout copy(VendorCacheLayout cache, String name) throws IOException {
    Path target = work.resolve(name);
    try (Stream<Path> all = Files.walk(cache.root())) {
      for (Path from : all.sorted(Comparator.naturalOrder()).toList()) {
        Path to = target.resolve(cache.root().relativize(from).toString());
        if (Files.isDirectory(from)) {
          Files.createDirectories(to);
        } else {
          Files.copy(from, to);
        }
      }
    }
    return new VendorCacheLayout(target);
  }

  /** The SPDX document {@code build image} attached to the image it wrote as an OCI layout. */
  private static byte[] attachedSbom(Path layout) throws IOException {
    try (Stream<Path> blobs = Files.list(layout.resolve("blobs/sha256"))) {
      List<byte[]> found = new ArrayList<>();
      for (Path blob : blobs.toList()) {
        byte[] bytes = Files.readAllBytes(blob);
        if (bytes.length > 0 && bytes[0] == '{' && new String(bytes, StandardCharsets.UTF_8).contains("\"spdxVersion\"")) {
          found.add(bytes);
        }
      }
      assertEquals(1, found.size(), "SPDX documents attached");
      return found.get(0);
    }
  }

  @Test
  void buildSbomColdWarmAndAttachedByBuildImageAreTheSameDocument() throws Exception {
    coldWarmAndAttached(project(false));
  }

  @Test
  void withABaseRootfsTooAndNoBlobNeededAfterTheBuild() throws Exception {
    Project p = project(true);
    byte[] cold = coldWarmAndAttached(p);
    assertTrue(new String(cold, StandardCharsets.UTF_8).contains("pkg:deb/debian/tzdata@2024a-0?arch=all"), "the rootfs's packages are listed");
    VendorCacheLayout withoutBlobs = copy(p.kit().cache, "no-blobs");
    try (Stream<Path> blobs = Files.list(withoutBlobs.blobsDir())) {
      for (Path blob : blobs.toList()) {
        Files.delete(blob);
      }
    }
    assertArrayEquals(cold, sbom(p, withoutBlobs), "from the facts the build recorded, rootfs included");
  }

  @Test
  void aBasePackageTheLockRemovesIsNotListed() throws Exception {
    Project p = project(true);
    Lockfile lock = p.lock();
    Lockfile removing = new Lockfile(lock.lockfileVersion(), lock.specDigest(), lock.sourceDateEpoch(), lock.rootfs(), null,
        lock.files(), null, lock.packageList(), null, null, null,
        List.of(new dev.sealbuild.lockfiles.lock.RemovedPackage("tzdata", "2024a-0", List.of(Platform.LINUX_AMD64))));
    String document = new String(sbom(new Project(p.kit(), p.spec(), removing, p.packages()), p.kit().cache),
        StandardCharsets.UTF_8);
    assertTrue(!document.contains("pkg:deb/debian/tzdata@") && document.contains("pkg:deb/debian/base-files@12.4"), document);
  }

  /** The cold document, checked to equal the warm one and the one build image attaches; facts files equal too. */
  private byte[] coldWarmAndAttached(Project p) throws Exception {
    VendorCacheLayout fresh = copy(p.kit().cache, "fresh-cache");
    byte[] cold = sbom(p, fresh);
    p.kit().validSpdx(cold);
    for (LockedPackage locked : p.packages()) {
      assertTrue(Files.isRegularFile(fresh.facts(locked.sha256())), "a cold run records the facts of " + locked.name());
    }
    assertArrayEquals(cold, sbom(p, fresh), "warm: from the facts files");

    VendorCacheLayout built = p.kit().cache;
    Path out = work.resolve("out");
    new ImageBuild(new CacheReader(built), new ImageBuild.Run(SbomTestKit.TOOL_VERSION, false, "off"), m -> { })
        .build(new ImageBuild.Request(p.spec(), p.lock(), p.kit().specDir, 0, List.of(OutputTarget.parse("oci:" + out + ":v1", work)),
            null, true, Optional.empty(), null, null));
    assertArrayEquals(cold, attachedSbom(out), "attached by build image, from the facts its install recorded");
    List<dev.sealbuild.formats.digest.Sha256> blobs = new ArrayList<>(p.packages().stream().map(LockedPackage::sha256).toList());
    if (p.lock().rootfs() != null) {
      blobs.add(p.lock().rootfs().sha256());
    }
    for (var blob : blobs) {
      assertArrayEquals(Files.readAllBytes(fresh.facts(blob)), Files.readAllBytes(built.facts(blob)),
          "the install records the same facts as the SBOM reads from " + blob);
    }
    return cold;
  }

  @Test
  void afterABuildTheSbomNeedsNoPackageBlob() throws Exception {
    Project p = project();
    byte[] before = sbom(p, p.kit().cache);
    VendorCacheLayout withoutPackages = copy(p.kit().cache, "no-packages");
    for (LockedPackage locked : p.packages()) {
      Files.delete(withoutPackages.blob(locked.sha256()));
    }
    assertArrayEquals(before, sbom(p, withoutPackages));
  }

  @Test
  void aDamagedFactsFileIsIgnoredAndRecomputedFromThePackage() throws Exception {
    Project p = project();
    VendorCacheLayout cache = p.kit().cache;
    byte[] before = sbom(p, cache);
    Path hello = cache.facts(p.packages().get(0).sha256());
    byte[] good = Files.readAllBytes(hello);
    List<byte[]> damaged = List.of(
        java.util.Arrays.copyOf(good, good.length / 2),
        new String(good, StandardCharsets.UTF_8).replace("GPL-3+", "MIT").replaceFirst("\"schema\"\\s*:\\s*1", "\"schema\": 99")
            .getBytes(StandardCharsets.UTF_8),
        Files.readAllBytes(cache.facts(p.packages().get(1).sha256())),
        "{}".getBytes(StandardCharsets.UTF_8),
        new byte[0]);
    for (byte[] bad : damaged) {
      Files.write(hello, bad);
      assertArrayEquals(before, sbom(p, cache), "with facts file " + new String(bad, StandardCharsets.UTF_8));
      assertArrayEquals(good, Files.readAllBytes(hello), "the facts file is written again");
    }
  }

  @Test
  void aDamagedFactsFileWithoutItsPackageSaysRunBuildPrep() throws Exception {
    Project p = project();
    VendorCacheLayout cache = p.kit().cache;
    sbom(p, cache);
    LockedPackage hello = p.packages().get(0);
    Files.writeString(cache.facts(hello.sha256()), "{\"schema\": 1, \"type\": \"deb\"");
    Files.delete(cache.blob(hello.sha256()));
    String message = Refusals.refused(() -> sbom(p, cache), "package hello", "not in the vendor cache", "run build prep");
    assertFalse(message.contains("\n"), message);
  }
}

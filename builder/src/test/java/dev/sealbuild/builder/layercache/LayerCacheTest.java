package dev.sealbuild.builder.layercache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.builder.cache.CacheReader;
import dev.sealbuild.builder.image.BuiltImage;
import dev.sealbuild.builder.image.ImageAssembler;
import dev.sealbuild.formats.compress.DecompressionLimits;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.oci.Descriptor;
import dev.sealbuild.formats.oci.Platform;
import dev.sealbuild.lockfiles.cache.VendorCacheLayout;
import dev.sealbuild.lockfiles.lock.LockedPackage;
import dev.sealbuild.lockfiles.lock.Lockfile;
import dev.sealbuild.lockfiles.lock.SpecDigest;
import dev.sealbuild.lockfiles.spec.BuildSpec;
import dev.sealbuild.lockfiles.spec.SpecReader;
import dev.sealbuild.testsupport.deb.DebFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * docs/layer-cache.md: a rebuild reuses every layer whose inputs did not change, without reading them; a change
 * rewrites its layer and those after it, and the image is byte for byte what a build without the cache gives.
 */
class LayerCacheTest {
  private static final long EPOCH = 1_700_000_000L;

  @TempDir Path work;

  private Path specDir;
  private VendorCacheLayout cache;
  private final List<LockedPackage> packages = new ArrayList<>();
  private int builds;

  /** A result: the image, and the progress and warning lines the build printed. */
  private record Build(BuiltImage image, List<String> progress, List<String> warnings) {
    long written() {
      return progress.stream().filter(l -> l.startsWith("writing layer")).count();
    }

    long reused() {
      return progress.stream().filter(l -> l.startsWith("reusing layer")).count();
    }

    List<Sha256> layers(Platform platform) {
      return image.platforms().get(platform).image().manifest().layers().stream().map(Descriptor::digest).toList();
    }

    List<Sha256> layers() {
      return layers(Platform.LINUX_AMD64);
    }
  }

  private void setUp(boolean withPackages) throws IOException {
    specDir = Files.createDirectories(work.resolve("project"));
    cache = new VendorCacheLayout(work.resolve("cache"));
    Files.createDirectories(cache.blobsDir());
    Files.createDirectories(specDir.resolve("app"));
    Files.writeString(specDir.resolve("app/main.py"), "print('hello')\n");
    Files.writeString(specDir.resolve("app/util.py"), "X = 1\n");
    Files.writeString(specDir.resolve("config.ini"), "[main]\nlevel = 1\n");
    if (withPackages) {
      packages.add(lock(DebFile.named("alpha").version("1.0").dir("./usr/").dir("./usr/bin/")
          .file("./usr/bin/alpha", "alpha binary", 0755, 0, 0)));
      packages.add(lock(DebFile.named("beta").version("2.0").field("Depends", "alpha").dir("./usr/").dir("./usr/share/")
          .dir("./usr/share/beta/").file("./usr/share/beta/data", "beta data")));
    }
  }

  private LockedPackage lock(DebFile deb) throws IOException {
    byte[] bytes = deb.build();
    Sha256 digest = Sha256.hash(bytes);
    Files.write(cache.blob(digest), bytes);
    return new LockedPackage("deb", deb.name(), deb.version(), "all", "debian",
        "pool/main/" + deb.name().charAt(0) + "/" + deb.name() + "/" + deb.name() + "_all.deb", digest, bytes.length, null,
        List.of(Platform.LINUX_AMD64, Platform.parse("linux/arm64")));
  }

  private BuildSpec spec(String layers, String copyExtra, String platforms) throws IOException {
    String yaml = "name: app\n"
        + "platforms: [" + platforms + "]\n"
        + "layers: " + layers + "\n"
        + (packages.isEmpty() ? "" : "repositories:\n  - {name: debian, type: debian, url: \"http://10.1.2.3/debian\", suite: bookworm}\n"
            + "packages: [alpha, beta]\n")
        + "copy:\n"
        + "  - {src: app, dest: /app/" + copyExtra + "}\n"
        + "  - {src: config.ini, dest: /etc/app/config.ini}\n";
    Path file = specDir.resolve("build.yaml");
    Files.writeString(file, yaml);
    return new SpecReader(Map.of()).read(file);
  }

  private BuildSpec spec(String layers) throws IOException {
    return spec(layers, "", "linux/amd64");
  }

  private Build build(BuildSpec spec, long epoch, LayerCache layerCache, List<String> warnings) throws IOException {
    List<String> progress = Collections.synchronizedList(new ArrayList<>());
    Lockfile lock = new Lockfile(Lockfile.VERSION, SpecDigest.of(spec), EPOCH, null, null, List.of(), null, packages);
    Path staging = Files.createDirectories(work.resolve("staging" + nextBuild()));
    BuiltImage image = new ImageAssembler(new CacheReader(cache), DecompressionLimits.DEFAULT, progress::add, layerCache)
        .assemble(spec, lock, specDir, epoch, staging);
    return new Build(image, progress, warnings);
  }

  private synchronized int nextBuild() {
    return builds++;
  }

  private Build build(BuildSpec spec, long epoch) throws IOException {
    List<String> warnings = Collections.synchronizedList(new ArrayList<>());
    return build(spec, epoch, LayerCache.in(cache, warnings::add), warnings);
  }

  private Build build(BuildSpec spec) throws IOException {
    return build(spec, EPOCH);
  }

  /** The same build without any layer cache: what the image must be. */
  private Sha256 uncached(BuildSpec spec, long epoch) throws IOException {
    return build(spec, epoch, LayerCache.disabled(), List.of()).image().digest();
  }

  private long entries() throws IOException {
    try (Stream<Path> s = Files.list(cache.layerEntriesDir())) {
      return s.count();
    }
  }

  /** Overwrites every package in the vendor cache with garbage of the same size: reading one fails the build. */
  private void corruptPackages() throws IOException {
    for (LockedPackage p : packages) {
      Files.write(cache.blob(p.sha256()), new byte[(int) p.size()]);
    }
  }

  @ParameterizedTest(name = "layers: {0}")
  @ValueSource(strings = {"squash", "per-source"})
  void aNoOpRebuildReusesEveryLayerAndReadsNoPackage(String layers) throws IOException {
    setUp(true);
    BuildSpec spec = spec(layers);
    Build first = build(spec);
    assertEquals(layers.equals("squash") ? 1 : 4, first.written(), first.progress().toString());
    assertEquals(0, first.reused());

    corruptPackages();
    Build second = build(spec);
    assertEquals(first.image().digest(), second.image().digest());
    assertEquals(0, second.written(), second.progress().toString());
    assertEquals(first.written(), second.reused());
    assertFalse(second.progress().stream().anyMatch(l -> l.startsWith("adding")), "no source is applied: " + second.progress());
    assertEquals(List.of(), second.warnings());
  }

  @Test
  void changingOneCopiedFileRewritesOnlyItsLayerAndTheOnesAfterIt() throws IOException {
    setUp(true);
    BuildSpec spec = spec("per-source");
    Build first = build(spec);
    long entriesBefore = entries();

    Files.writeString(specDir.resolve("app/util.py"), "X = 2\n");
    Build second = build(spec);
    // alpha, beta, copy[0], copy[1]: the packages are reused, copy[0] changed, copy[1] follows it in the chain.
    assertEquals(2, second.reused(), second.progress().toString());
    assertEquals(2, second.written(), second.progress().toString());
    assertEquals(first.layers().subList(0, 2), second.layers().subList(0, 2));
    assertNotEquals(first.layers().get(2), second.layers().get(2));
    assertEquals(first.layers().get(3), second.layers().get(3), "copy[1]'s bytes did not change, only its key");
    assertEquals(entriesBefore + 2, entries());
    assertEquals(uncached(spec, EPOCH), second.image().digest(), "a partial hit builds the image a cold build does");
  }

  @Test
  void aPartialHitStillReadsTheEarlierSourcesIntoTheTree() throws IOException {
    setUp(true);
    BuildSpec spec = spec("per-source");
    build(spec);
    Files.writeString(specDir.resolve("config.ini"), "[main]\nlevel = 2\n");
    corruptPackages();
    // copy[1] misses; the tree under it needs alpha and beta, so their (now corrupt) blobs are read, and refused.
    RuntimeException e = assertThrows(RuntimeException.class, () -> build(spec));
    assertTrue(e.getMessage().contains("package alpha 1.0") && e.getMessage().contains("corrupt"), e.getMessage());
  }

  @Test
  void modeOwnerContentAndEpochInvalidateButAnMtimeDoesNot() throws IOException {
    setUp(false);
    BuildSpec spec = spec("squash");
    Build first = build(spec);
    assertEquals(1, first.written());

    Files.setLastModifiedTime(specDir.resolve("app/main.py"), FileTime.fromMillis(12_345_000L));
    Files.setLastModifiedTime(specDir.resolve("config.ini"), FileTime.fromMillis(99_000L));
    Build touched = build(spec);
    assertEquals(0, touched.written(), "same content, another mtime: " + touched.progress());
    assertEquals(first.image().digest(), touched.image().digest());

    BuildSpec withMode = specWith("mode: \"0700\"");
    Build mode = build(withMode);
    assertEquals(1, mode.written(), "mode");
    assertEquals(uncached(withMode, EPOCH), mode.image().digest());

    BuildSpec withOwner = specWith("owner: \"1000:1000\"");
    Build owner = build(withOwner);
    assertEquals(1, owner.written(), "owner");
    assertEquals(uncached(withOwner, EPOCH), owner.image().digest());

    Build epoch = build(spec, EPOCH + 1);
    assertEquals(1, epoch.written(), "epoch");
    assertEquals(uncached(spec, EPOCH + 1), epoch.image().digest());

    Files.writeString(specDir.resolve("app/main.py"), "print('hello!')\n");
    Build content = build(spec);
    assertEquals(1, content.written(), "content");
    assertEquals(uncached(spec, EPOCH), content.image().digest());

    specDir.resolve("app/util.py").toFile().setExecutable(true);
    Build executable = build(spec);
    assertEquals(1, executable.written(), "an executable bit makes the file 0755");
    assertEquals(uncached(spec, EPOCH), executable.image().digest());
  }

  @Test
  void switchingCompressionWritesTheLayerAgainAndSwitchingBackReusesIt() throws IOException {
    setUp(false);
    BuildSpec gzip = spec("squash");
    Build first = build(gzip);
    assertEquals(1, first.written());

    Files.writeString(specDir.resolve("build.yaml"), Files.readString(specDir.resolve("build.yaml")) + "compression: zstd\n");
    BuildSpec zstd = new SpecReader(Map.of()).read(specDir.resolve("build.yaml"));
    Build second = build(zstd);
    assertEquals(1, second.written(), "zstd is another layer: " + second.progress());
    assertNotEquals(first.image().digest(), second.image().digest());
    assertEquals(uncached(zstd, EPOCH), second.image().digest());

    Build back = build(gzip);
    assertEquals(0, back.written(), back.progress().toString());
    assertEquals(first.image().digest(), back.image().digest());
  }

  private BuildSpec specWith(String copyField) throws IOException {
    return spec("squash", ", " + copyField, "linux/amd64");
  }

  @Test
  void aCorruptEntryIsReportedNeverUsedAndRebuilt() throws IOException {
    setUp(true);
    BuildSpec spec = spec("per-source");
    Build first = build(spec);
    Sha256 copyLayer = first.layers().get(2);
    Path blob = cache.layerBlob(copyLayer);
    byte[] bytes = Files.readAllBytes(blob);
    bytes[bytes.length / 2] ^= 0x55;
    Files.write(blob, bytes);
    Path someEntry;
    try (Stream<Path> s = Files.list(cache.layerEntriesDir())) {
      someEntry = s.filter(p -> {
        try {
          return !LayerCacheEntry.parse(Files.readAllBytes(p)).digest().equals(copyLayer);
        } catch (IOException e) {
          return false;
        }
      }).sorted().findFirst().orElseThrow();
    }
    Files.writeString(someEntry, "{\"format\": 1, \"digest\": ");

    LayerCacheVerifier.Report report = new LayerCacheVerifier(cache).verify(false);
    List<String> bad = report.problems().stream().map(p -> p.path().getFileName() + ": " + p.detail()).toList();
    assertTrue(bad.stream().anyMatch(l -> l.startsWith(copyLayer.hex() + ": content hashes to")), bad.toString());
    assertTrue(bad.stream().anyMatch(l -> l.startsWith(someEntry.getFileName() + ": metadata does not parse")), bad.toString());
    assertTrue(bad.stream().anyMatch(l -> l.contains("its blob hashes to")), "the entry naming the corrupt blob: " + bad);

    Build second = build(spec);
    assertEquals(first.image().digest(), second.image().digest());
    assertTrue(second.warnings().stream().anyMatch(w -> w.contains("corrupt") || w.contains("unreadable")), second.warnings().toString());
    assertTrue(second.written() >= 1, second.progress().toString());
    LayerCacheVerifier.Report after = new LayerCacheVerifier(cache).verify(false);
    assertTrue(after.clean(), "the rebuild replaced what was bad: " + after.problems());
    Build third = build(spec);
    assertEquals(0, third.written(), third.progress().toString());
    assertEquals(first.image().digest(), third.image().digest());
  }

  @Test
  void verifyWithDeleteRemovesBadEntries() throws IOException {
    setUp(false);
    BuildSpec spec = spec("squash");
    Build first = build(spec);
    Path blob = cache.layerBlob(first.layers().get(0));
    Files.write(blob, "not a layer".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    LayerCacheVerifier.Report report = new LayerCacheVerifier(cache).verify(true);
    assertEquals(2, report.problems().size(), report.toString());
    assertTrue(report.problems().stream().allMatch(LayerCacheVerifier.Problem::deleted), report.toString());
    assertFalse(Files.exists(blob));
    assertTrue(new LayerCacheVerifier(cache).verify(false).clean());
    assertEquals(1, build(spec).written());
  }

  @Test
  void aSecondPlatformReusesCopiedContentInsteadOfCompressingItAgain() throws IOException {
    setUp(false);
    BuildSpec spec = spec("squash", "", "linux/amd64, linux/arm64");
    Build both = build(spec);
    assertEquals(1, both.written(), both.progress().toString());
    assertEquals(1, both.reused(), both.progress().toString());
    assertEquals(both.layers(Platform.LINUX_AMD64), both.layers(Platform.parse("linux/arm64")));
    assertEquals(uncached(spec, EPOCH), both.image().digest());
  }

  @Test
  void twoBuildsAtOnceOnOneCacheBothSucceedWithOneDigest() throws Exception {
    setUp(true);
    BuildSpec spec = spec("per-source");
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 2; round++) {
        List<Callable<Build>> two = List.of(() -> build(spec), () -> build(spec));
        List<Sha256> digests = new ArrayList<>();
        for (Future<Build> f : pool.invokeAll(two)) {
          Build b = f.get();
          digests.add(b.image().digest());
          assertEquals(List.of(), b.warnings());
        }
        assertEquals(digests.get(0), digests.get(1));
        assertEquals(uncached(spec, EPOCH), digests.get(0));
      }
    } finally {
      pool.shutdownNow();
    }
    assertTrue(new LayerCacheVerifier(cache).verify(false).clean());
  }

  @Test
  void aCacheThatCannotBeWrittenOnlyWarns() throws IOException {
    setUp(false);
    Files.writeString(cache.layersDir(), "a file where the layer cache's directory would be");
    BuildSpec spec = spec("squash");
    Build build = build(spec);
    assertEquals(uncached(spec, EPOCH), build.image().digest());
    assertEquals(1, build.warnings().size(), build.warnings().toString());
    assertTrue(build.warnings().get(0).startsWith("layer cache: cannot write into " + cache.layersDir()), build.warnings().toString());
  }

  @Test
  void onABaseImageANoOpCopiesTheBaseLayersWithoutUnpackingThem() throws Exception {
    setUp(false);
    byte[] tar;
    try (var bytes = new java.io.ByteArrayOutputStream();
         var out = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(bytes)) {
      var dir = new org.apache.commons.compress.archivers.tar.TarArchiveEntry("etc/");
      out.putArchiveEntry(dir);
      out.closeArchiveEntry();
      byte[] release = "ID=base\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
      var file = new org.apache.commons.compress.archivers.tar.TarArchiveEntry("etc/os-release");
      file.setSize(release.length);
      out.putArchiveEntry(file);
      out.write(release);
      out.closeArchiveEntry();
      out.finish();
      tar = bytes.toByteArray();
    }
    var gz = new java.io.ByteArrayOutputStream();
    try (var z = new java.util.zip.GZIPOutputStream(gz)) {
      z.write(tar);
    }
    byte[] layer = gz.toByteArray();
    byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},"
        + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + Sha256.hash(tar) + "\"]}}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] manifest = "a manifest".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    for (byte[] blob : List.of(layer, config, manifest)) {
      Files.write(cache.blob(Sha256.hash(blob)), blob);
    }
    var platform = new dev.sealbuild.lockfiles.lock.LockedPlatformImage(Platform.LINUX_AMD64,
        new dev.sealbuild.lockfiles.lock.LockedDescriptor("application/vnd.oci.image.manifest.v1+json", Sha256.hash(manifest), manifest.length),
        new dev.sealbuild.lockfiles.lock.LockedDescriptor("application/vnd.oci.image.config.v1+json", Sha256.hash(config), config.length),
        List.of(new dev.sealbuild.lockfiles.lock.LockedDescriptor("application/vnd.oci.image.layer.v1.tar+gzip", Sha256.hash(layer), layer.length)));
    var base = new dev.sealbuild.lockfiles.lock.LockedBaseImage("registry.example.com/base:1", "registry.example.com/base",
        platform.manifest(), List.of(platform));
    Path file = specDir.resolve("build.yaml");
    Files.writeString(file, "name: app\nbase: {image: \"registry.example.com/base:1\"}\ncopy:\n  - {src: config.ini, dest: /etc/app/config.ini}\n");
    BuildSpec spec = new SpecReader(Map.of()).read(file);
    Lockfile lock = new Lockfile(Lockfile.VERSION, SpecDigest.of(spec), EPOCH, null, base, List.of(), null, null);

    List<Sha256> digests = new ArrayList<>();
    List<List<String>> progress = new ArrayList<>();
    for (LayerCache layerCache : List.of(LayerCache.disabled(), LayerCache.in(cache, w -> { }), LayerCache.in(cache, w -> { }))) {
      List<String> lines = new ArrayList<>();
      BuiltImage image = new ImageAssembler(new CacheReader(cache), DecompressionLimits.DEFAULT, lines::add, layerCache)
          .assemble(spec, lock, specDir, EPOCH, Files.createDirectories(work.resolve("staging" + nextBuild())));
      digests.add(image.digest());
      progress.add(lines);
      assertTrue(Files.exists(image.blob(Sha256.hash(layer))), "the base layer is in the image");
      assertEquals(List.of((long) tar.length), image.platforms().get(Platform.LINUX_AMD64).uncompressedSizes().subList(0, 1));
    }
    assertEquals(digests.get(0), digests.get(1));
    assertEquals(digests.get(0), digests.get(2));
    assertTrue(progress.get(2).stream().anyMatch(l -> l.startsWith("reusing base image")), progress.get(2).toString());
    assertTrue(progress.get(2).stream().noneMatch(l -> l.startsWith("reading base image") || l.startsWith("writing")),
        progress.get(2).toString());
  }
}

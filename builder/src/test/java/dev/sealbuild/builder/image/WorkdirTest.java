package dev.sealbuild.builder.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.builder.cache.CacheReader;
import dev.sealbuild.builder.layercache.LayerCache;
import dev.sealbuild.formats.UserError;
import dev.sealbuild.formats.compress.DecompressionLimits;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.oci.Descriptor;
import dev.sealbuild.formats.oci.Platform;
import dev.sealbuild.lockfiles.cache.VendorCacheLayout;
import dev.sealbuild.lockfiles.lock.LockedBaseImage;
import dev.sealbuild.lockfiles.lock.LockedDescriptor;
import dev.sealbuild.lockfiles.lock.LockedPlatformImage;
import dev.sealbuild.lockfiles.lock.Lockfile;
import dev.sealbuild.lockfiles.lock.SpecDigest;
import dev.sealbuild.lockfiles.spec.BuildSpec;
import dev.sealbuild.lockfiles.spec.SpecReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/spec.md, {@code config.workdir}: as Docker's WORKDIR, the image holds its working directory (root-owned, 0755,
 * the epoch as mtime, parents too) when no layer provides it, and an image whose layers do is left as it was.
 */
class WorkdirTest {
  private static final long EPOCH = 1_700_000_000L;
  private static final String BASE = "registry.example.com/base:1";

  @TempDir Path work;
  private VendorCacheLayout cache;
  private LockedBaseImage baseImage;
  private int builds;

  private BuildSpec spec(String yaml) throws IOException {
    Path dir = Files.createDirectories(work.resolve("project"));
    Files.writeString(dir.resolve("index.html"), "<p>hi</p>\n");
    Files.writeString(dir.resolve("build.yaml"), yaml);
    return new SpecReader(Map.of()).read(dir.resolve("build.yaml"));
  }

  private BuiltImage build(BuildSpec spec, LayerCache layerCache, List<String> progress) throws IOException {
    if (cache == null) {
      cache = new VendorCacheLayout(work.resolve("cache"));
      Files.createDirectories(cache.blobsDir());
    }
    Lockfile lock = new Lockfile(Lockfile.VERSION, SpecDigest.of(spec), EPOCH, null, baseImage, List.of(), null, null);
    return new ImageAssembler(new CacheReader(cache), DecompressionLimits.DEFAULT, progress::add, layerCache)
        .assemble(spec, lock, work.resolve("project"), EPOCH, Files.createDirectories(work.resolve("staging" + builds++)));
  }

  private BuiltImage build(BuildSpec spec) throws IOException {
    return build(spec, LayerCache.disabled(), new ArrayList<>());
  }

  private static List<Descriptor> layers(BuiltImage image) {
    return image.platforms().get(Platform.LINUX_AMD64).image().manifest().layers();
  }

  /** The entries of a gzip layer as {@code path type mode uid:gid mtime}. */
  private static List<String> entries(BuiltImage image, Descriptor layer) throws IOException {
    List<String> out = new ArrayList<>();
    try (InputStream in = Files.newInputStream(image.blob(layer.digest()));
         TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(in))) {
      for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        out.add(e.getName() + " " + (e.isDirectory() ? "dir" : "file") + " " + Integer.toOctalString(e.getMode() & 07777)
            + " " + e.getLongUserId() + ":" + e.getLongGroupId() + " " + e.getModTime().getTime() / 1000);
      }
    }
    return out;
  }

  private static List<String> last(BuiltImage image) throws IOException {
    List<Descriptor> layers = layers(image);
    return entries(image, layers.get(layers.size() - 1));
  }

  @Test
  void aMissingWorkdirAndItsParentsAreCreatedInTheLastLayer() throws IOException {
    BuiltImage image = build(spec("""
        name: app
        layers: per-source
        copy: [{src: index.html, dest: /var/www/index.html, owner: "101:101"}]
        config: {workdir: /srv/app/data}
        """));
    assertEquals(List.of("srv/ dir 755 0:0 " + EPOCH, "srv/app/ dir 755 0:0 " + EPOCH, "srv/app/data/ dir 755 0:0 " + EPOCH,
        "var/ dir 755 101:101 " + EPOCH, "var/www/ dir 755 101:101 " + EPOCH, "var/www/index.html file 644 101:101 " + EPOCH),
        last(image));
    assertEquals(1, layers(image).size());
    assertEquals("/srv/app/data", image.platforms().get(Platform.LINUX_AMD64).image().config().config().get("WorkingDir").asText());
  }

  @Test
  void aWorkdirTheLayersProvideChangesNothing() throws IOException {
    String yaml = """
        name: app
        copy: [{src: index.html, dest: /srv/www/index.html}]
        %s
        """;
    BuiltImage with = build(spec(yaml.formatted("config: {workdir: /srv/www}")));
    BuiltImage without = build(spec(yaml.formatted("")));
    assertEquals(layers(without), layers(with), "the same layer bytes");
    assertEquals(List.of("srv/ dir 755 0:0 " + EPOCH, "srv/www/ dir 755 0:0 " + EPOCH, "srv/www/index.html file 644 0:0 " + EPOCH),
        last(with));
  }

  @Test
  void withoutAnyOtherSourceTheWorkdirIsTheOnlyLayer() throws IOException {
    BuiltImage image = build(spec("name: app\nconfig: {workdir: /work}\n"));
    assertEquals(List.of("work/ dir 755 0:0 " + EPOCH), last(image));
    assertEquals(List.of("sealbuild: workdir /work"), image.platforms().get(Platform.LINUX_AMD64).image().config().history()
        .stream().map(h -> h.createdBy()).toList());
  }

  @Test
  void onABaseImageWithNothingAddedAWorkdirGetsALayerOnlyWhenTheBaseLacksIt() throws IOException {
    baseImage();
    List<String> progress = new ArrayList<>();
    List<String> presentProgress = List.of();
    for (LayerCache layerCache : List.of(LayerCache.disabled(), LayerCache.in(cache, w -> { }),
        LayerCache.in(cache, w -> { }))) {
      progress.clear();
      BuiltImage present = build(spec("name: app\nbase: {image: \"" + BASE + "\"}\nconfig: {workdir: /etc}\n"), layerCache,
          progress);
      assertEquals(1, layers(present).size(), "only the base layer");
      presentProgress = List.copyOf(progress);
      BuiltImage missing = build(spec("name: app\nbase: {image: \"" + BASE + "\"}\nconfig: {workdir: /etc/app}\n"), layerCache,
          progress);
      assertEquals(2, layers(missing).size());
      // The layer writer repeats the parent as the base has it, as every added layer does
      assertEquals(List.of("etc/ dir 755 0:0 " + EPOCH, "etc/app/ dir 755 0:0 " + EPOCH), last(missing));
    }
    assertTrue(presentProgress.stream().anyMatch(l -> l.startsWith("reusing base image"))
        && presentProgress.stream().noneMatch(l -> l.startsWith("reading base image")),
        "a cached no-op copies the base without reading it: " + presentProgress);
  }

  @Test
  void aWorkdirThatIsAFileIsAOneLineError() {
    UserError e = assertThrows(UserError.class, () -> build(spec("""
        name: app
        copy: [{src: index.html, dest: /srv}]
        config: {workdir: /srv}
        """)));
    assertEquals("config.workdir /srv is not a directory in the image (/srv is a file); point workdir at a directory",
        e.getMessage());
  }

  /** A one-layer base image holding /etc/os-release, in the vendor cache. */
  private void baseImage() throws IOException {
    cache = new VendorCacheLayout(work.resolve("cache"));
    Files.createDirectories(cache.blobsDir());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
      out.putArchiveEntry(new TarArchiveEntry("etc/"));
      out.closeArchiveEntry();
      byte[] release = "ID=base\n".getBytes(StandardCharsets.UTF_8);
      TarArchiveEntry file = new TarArchiveEntry("etc/os-release");
      file.setSize(release.length);
      out.putArchiveEntry(file);
      out.write(release);
      out.closeArchiveEntry();
    }
    byte[] tar = bytes.toByteArray();
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
      z.write(tar);
    }
    byte[] layer = gz.toByteArray();
    byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},"
        + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + Sha256.hash(tar) + "\"]}}").getBytes(StandardCharsets.UTF_8);
    byte[] manifest = "a manifest".getBytes(StandardCharsets.UTF_8);
    for (byte[] blob : List.of(layer, config, manifest)) {
      Files.write(cache.blob(Sha256.hash(blob)), blob);
    }
    LockedPlatformImage platform = new LockedPlatformImage(Platform.LINUX_AMD64,
        new LockedDescriptor("application/vnd.oci.image.manifest.v1+json", Sha256.hash(manifest), manifest.length),
        new LockedDescriptor("application/vnd.oci.image.config.v1+json", Sha256.hash(config), config.length),
        List.of(new LockedDescriptor("application/vnd.oci.image.layer.v1.tar+gzip", Sha256.hash(layer), layer.length)));
    baseImage = new LockedBaseImage(BASE, "registry.example.com/base", platform.manifest(), List.of(platform));
  }
}

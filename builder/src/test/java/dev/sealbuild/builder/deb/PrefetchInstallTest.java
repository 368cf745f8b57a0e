package dev.sealbuild.builder.deb;

import static dev.sealbuild.builder.deb.PackageFixture.refused;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.builder.cache.CacheReader;
import dev.sealbuild.builder.layer.LayerWriter;
import dev.sealbuild.builder.source.BuildContext;
import dev.sealbuild.formats.compress.DecompressionLimits;
import dev.sealbuild.formats.compress.Decompressors;
import dev.sealbuild.formats.compress.XzCommand;
import dev.sealbuild.lockfiles.lock.LockedPackage;
import dev.sealbuild.testsupport.deb.Compression;
import dev.sealbuild.testsupport.deb.DebFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Packages decompressed ahead on worker threads are still applied in install order: the layer is the same byte for
 * byte whatever the number of workers (none: each package read as it is installed), and a bad package stops the
 * install with its own error, leaving no scratch file and no worker thread behind.
 */
class PrefetchInstallTest {
  @TempDir Path work;

  /** Packages sharing directories and overwriting each other's files through Replaces, each with xz payloads. */
  private static List<DebFile> packages() {
    List<DebFile> debs = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      DebFile deb = DebFile.named("pkg" + i).version("1." + i).compression(Compression.XZ, Compression.XZ)
          .dir("./usr/").dir("./usr/share/").dir("./usr/share/doc/").dir("./usr/share/doc/pkg" + i + "/")
          .file("./usr/share/doc/pkg" + i + "/copyright", "copyright of " + i + "\n")
          .dir("./etc/").file("./etc/shared.conf", "from pkg" + i + "\n")
          .file("./usr/share/pkg" + i + ".bin", "x".repeat(50_000 * (i + 1)))
          .file("./usr/share/pkg" + i + ".hex", noise(i, 40_000 * (i + 1)));
      if (i > 0) {
        deb.field("Replaces", "pkg" + (i - 1));
      }
      debs.add(deb);
    }
    return debs;
  }

  /** Hex digits of a seeded random: a payload xz cannot shrink to a few bytes (the larger ones go to the host's xz). */
  private static String noise(int seed, int length) {
    Random random = new Random(seed);
    StringBuilder s = new StringBuilder(length);
    while (s.length() < length) {
      s.append(Long.toHexString(random.nextLong()));
    }
    return s.substring(0, length);
  }

  private byte[] layerWith(int threads) throws IOException {
    return layerWith(threads, null);
  }

  private byte[] layerWith(int threads, XzCommand xz) throws IOException {
    String name = "threads" + threads + (xz == null ? "" : "-host-xz");
    try (PackageFixture f = new PackageFixture(Files.createDirectories(work.resolve(name)))) {
      List<LockedPackage> locked = new ArrayList<>();
      for (DebFile deb : packages()) {
        locked.add(f.cache(deb));
      }
      BuildContext context = new BuildContext(new CacheReader(f.cache), f.spool, PackageFixture.EPOCH,
          DecompressionLimits.DEFAULT, null, new Decompressors(DecompressionLimits.DEFAULT, xz));
      new DebianPackagesSource(locked, context, threads).addTo(f.tree);
      Path layer = work.resolve("layer-" + name + ".tar.gz");
      new LayerWriter(PackageFixture.EPOCH).write(f.tree.currentLayer(), f.tree, layer, "test");
      assertEquals("from pkg6\n", f.text("etc/shared.conf"), "the last replacing package's file wins");
      return Files.readAllBytes(layer);
    }
  }

  private static BuildContext context(PackageFixture f) {
    return new BuildContext(new CacheReader(f.cache), f.spool, PackageFixture.EPOCH, DecompressionLimits.DEFAULT, null);
  }

  @Test
  void theLayerIsTheSameWhateverTheNumberOfDecompressingWorkers() throws IOException {
    byte[] inline = layerWith(0);
    for (int threads : new int[] {1, 2, 5}) {
      assertArrayEquals(inline, layerWith(threads), "layer with " + threads + " workers");
    }
  }

  @Test
  void theLayerIsTheSameWhenTheHostsXzDecodesThePayloads() throws IOException {
    XzCommand xz = XzCommand.onPath(System.getenv("PATH")).orElseThrow(() -> new AssertionError("xz is not on the PATH"));
    byte[] javaDecoded = layerWith(2);
    assertArrayEquals(javaDecoded, layerWith(2, xz), "layer decoded by " + xz.executable());
    assertArrayEquals(javaDecoded, layerWith(0, xz), "layer decoded by " + xz.executable() + " without workers");
  }

  @Test
  void aCorruptPackageInTheMiddleIsReportedAndNothingIsLeftBehind() throws Exception {
    try (PackageFixture f = new PackageFixture(work)) {
      List<LockedPackage> locked = new ArrayList<>();
      for (DebFile deb : packages()) {
        locked.add(f.cache(deb));
      }
      LockedPackage broken = locked.get(3);
      byte[] bytes = Files.readAllBytes(f.cache.blob(broken.sha256()));
      bytes[bytes.length - 10] ^= 0x55;
      Files.write(f.cache.blob(broken.sha256()), bytes);
      refused(() -> new DebianPackagesSource(locked, context(f), 2).addTo(f.tree), "package pkg3 1.3", "build prep");
      try (Stream<Path> scratch = Files.list(f.spool.directory())) {
        assertEquals(List.of(), scratch.filter(p -> !p.getFileName().toString().startsWith("spool")).toList(),
            "decompressed payloads left in the scratch directory");
      }
      assertTrue(workersGone(), "a decompressing worker still runs");
    }
  }

  @Test
  void controlsReadOnWorkersReportTheFirstWrongPackageInListOrder() throws Exception {
    for (int threads : new int[] {0, 2, 5}) {
      try (PackageFixture f = new PackageFixture(Files.createDirectories(work.resolve("names" + threads)))) {
        List<LockedPackage> locked = new ArrayList<>();
        List<DebFile> debs = packages();
        for (int i = 0; i < debs.size(); i++) {
          // the lock names pkg2 and pkg5 "other2" and "other5": their control files say otherwise
          String name = i == 2 || i == 5 ? "other" + i : debs.get(i).name();
          locked.add(f.cache(name, debs.get(i).version(), debs.get(i).build()));
        }
        String message = refused(() -> new DebianPackagesSource(locked, context(f), threads).addTo(f.tree),
            "package other2 1.2", "its control file names package 'pkg2'");
        assertTrue(!message.contains("other5"), threads + " workers: " + message);
        assertTrue(workersGone(), "a worker still runs");
      }
    }
  }

  /** Whether every worker thread has ended (a pool's threads leave a moment after it terminates). */
  private static boolean workersGone() throws InterruptedException {
    for (int i = 0; i < 100; i++) {
      if (Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("sealbuild-deb") && t.isAlive())) {
        return true;
      }
      Thread.sleep(50);
    }
    return false;
  }
}

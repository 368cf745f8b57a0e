package dev.sealbuild.builder.hostile;

import static dev.sealbuild.builder.hostile.Fixture.EPOCH;
import static dev.sealbuild.builder.hostile.Fixture.assertSymlink;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.formats.compress.ArchiveFormat;
import dev.sealbuild.formats.compress.DecompressionLimits;
import dev.sealbuild.formats.compress.Decompressors;
import dev.sealbuild.builder.archive.IngestPolicy;
import dev.sealbuild.builder.fs.EntryPath;
import dev.sealbuild.builder.layer.LayerBlob;
import dev.sealbuild.testsupport.Fixtures;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hostile-input rules must not refuse real root filesystems: Alpine minirootfs tarballs from the shared
 * fixtures read completely, with the entry list GNU tar reads, and give the same layer twice.
 */
class RealRootfsTest {
  @TempDir
  Path one;
  @TempDir
  Path two;

  static Stream<String> minirootfs() {
    return Stream.of("alpine-minirootfs-3.16.9-x86_64.tar.gz", "alpine-minirootfs-3.20.3-aarch64.tar.gz",
        "alpine-minirootfs-3.20.3-x86_64.tar.gz");
  }

  private static LayerBlob ingest(Path tarball, Fixture f) throws Exception {
    try (InputStream raw = Files.newInputStream(tarball)) {
      String label = "base rootfs " + tarball.getFileName();
      f.ingest(new Decompressors(DecompressionLimits.DEFAULT).tarStream(raw, ArchiveFormat.TAR_GZIP, label),
          IngestPolicy.rootfs(EPOCH, label));
    }
    return f.writeLayer();
  }

  @ParameterizedTest
  @MethodSource("minirootfs")
  void alpineMinirootfsIsReadWhole(String fixture) throws Exception {
    Path tarball = Fixtures.file("alpine/minirootfs/" + fixture);
    LayerBlob first;
    try (Fixture f = new Fixture(one)) {
      first = ingest(tarball, f);
      TreeSet<String> expected = new TreeSet<>();
      for (String name : GnuTar.list(gunzip(tarball))) {
        EntryPath p = EntryPath.parse(name);
        if (!p.isRoot()) {
          expected.add(p.value());
        }
      }
      assertEquals(expected, new TreeSet<>(f.imagePaths()));
      assertSymlink(f.node("bin/sh"), "/bin/busybox");
      assertEquals(0640, f.node("etc/shadow").meta().mode());
      assertEquals(42, f.node("etc/shadow").meta().gid());
      assertEquals(01777, f.node("tmp").meta().mode());
      assertTrue(f.layerEntries().size() >= expected.size());
    }
    try (Fixture f = new Fixture(two)) {
      LayerBlob second = ingest(tarball, f);
      assertEquals(first.digest(), second.digest());
      assertEquals(first.diffId(), second.diffId());
    }
  }

  private static byte[] gunzip(Path file) throws Exception {
    try (InputStream in = new java.util.zip.GZIPInputStream(Files.newInputStream(file))) {
      return in.readAllBytes();
    }
  }

}

package dev.sealbuild.builder.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.builder.archive.IngestPolicy;
import dev.sealbuild.builder.fs.EntryPath;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base image layers (read to know what the image holds; their blobs are reused as they are) apply OCI
 * whiteouts to the layers below, resolved inside the image: checklist items 18-21 for base layers.
 */
class BaseLayerWhiteoutTest {
  private static final String BASE = "base image layer 1";

  private static void base(Fixture f, byte[] tar) throws IOException {
    f.ingest(new ByteArrayInputStream(tar), IngestPolicy.baseLayer(Fixture.EPOCH, BASE));
  }

  @Test
  void whiteoutDeletesAFileAndADirectoryFromBelow(@TempDir Path work) throws IOException {
    try (Fixture f = new Fixture(work)) {
      base(f, new TarOut().dir("etc").file("etc/motd", "hi").dir("opt").dir("opt/app").file("opt/app/x", "x").bytes());
      f.nextLayer();
      base(f, new TarOut().dir("etc").file("etc/.wh.motd", "").file(".wh.opt", "").bytes());
      assertNull(f.node("etc/motd"));
      assertNull(f.node("opt"));
      assertNull(f.node("opt/app/x"), "everything below a whited-out directory is gone too");
      assertNotNull(f.node("etc"));
      f.nextLayer();
      f.tree.addFile(EntryPath.parse("opt/new"), new dev.sealbuild.builder.fs.Meta(0644, 0, 0, 0),
          f.spool.append(new ByteArrayInputStream(new byte[] {1}), 1, "t"));
      assertTrue(f.layerEntries().containsKey("opt/"), "a layer on top recreates the parent directory explicitly");
    }
  }

  @Test
  void opaqueDirectoryHidesLowerButKeepsItsOwnEntries(@TempDir Path work) throws IOException {
    try (Fixture f = new Fixture(work)) {
      base(f, new TarOut().dir("d").file("d/lower", "l").bytes());
      f.nextLayer();
      // Item 20: the opaque marker comes after its siblings in the same layer.
      base(f, new TarOut().dir("d").file("d/mine", "m").file("d/.wh..wh..opq", "").bytes());
      assertNull(f.node("d/lower"));
      assertEquals("m", f.content("d/mine"));
    }
  }

  @Test
  void invalidWhiteoutNamesAreRefused(@TempDir Path work) throws IOException {
    for (String name : new String[] {"a/.wh.", ".wh..", ".wh..wh.other", ".wh.x/y"}) {
      try (Fixture f = new Fixture(java.nio.file.Files.createDirectories(work.resolve(String.valueOf(name.hashCode()))))) {
        Fixture.refused(() -> base(f, new TarOut().dir("a").file(name, "").bytes()), BASE);
      }
    }
  }

  @Test
  void whiteoutStoredAsSomethingElseIsRefused(@TempDir Path work) throws IOException {
    try (Fixture f = new Fixture(java.nio.file.Files.createDirectories(work.resolve("dir")))) {
      Fixture.refused(() -> base(f, new TarOut().dir(".wh.x").bytes()), "empty regular file");
    }
    try (Fixture f = new Fixture(java.nio.file.Files.createDirectories(work.resolve("full")))) {
      Fixture.refused(() -> base(f, new TarOut().file(".wh.x", "not empty").bytes()), "empty regular file");
    }
    try (Fixture f = new Fixture(java.nio.file.Files.createDirectories(work.resolve("link")))) {
      Fixture.refused(() -> base(f, new TarOut().symlink(".wh.x", "y").bytes()), "empty regular file");
    }
  }

  @Test
  void whiteoutThroughASymlinkStaysInsideTheImage(@TempDir Path work) throws IOException {
    try (Fixture f = new Fixture(work)) {
      // Item 19: etc -> /tmp/probe, then etc/.wh.victim deletes /tmp/probe/victim of the image, nothing on the host.
      base(f, new TarOut().dir("tmp").dir("tmp/probe").file("tmp/probe/victim", "v").symlink("etc", "/tmp/probe").bytes());
      f.nextLayer();
      base(f, new TarOut().file("etc/.wh.victim", "").bytes());
      assertNull(f.node("tmp/probe/victim"));
      assertTrue(f.tree.currentLayer().whiteouts().contains(EntryPath.parse("tmp/probe/victim")));
    }
  }

  @Test
  void withoutTheBaseLayerPolicyWhiteoutsStayForbidden(@TempDir Path work) throws IOException {
    try (Fixture f = new Fixture(work)) {
      Fixture.refused(() -> f.rootfs(new TarOut().file(".wh.x", "").bytes()), ".wh.");
    }
  }
}

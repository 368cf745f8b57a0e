package dev.sealbuild.cli.it;

import static dev.sealbuild.cli.it.Sealbuild.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.testsupport.Fixtures;
import dev.sealbuild.testsupport.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The samples as a newcomer runs them: committed lock is current, prep, image, and the result works. */
class SamplesIT {
  @TempDir Path work;

  private Path copySample(String name) throws Exception {
    Path to = work.resolve(name);
    DeterminismIT.copyTree(Sealbuild.ROOT.resolve("samples").resolve(name), to);
    return to;
  }

  @Test
  void staticSiteNeedsNoNetwork() throws Exception {
    Requirements.requireTools("umoci");
    Path sample = copySample("static-site");
    Sealbuild sb = new Sealbuild(work).env("SEALBUILD_CACHE", work.resolve("cache").toString());
    ok(sb.run("lock", "--check", "static-site"));
    ok(sb.run("prep", "static-site"));
    Sealbuild.Result image = ok(sb.run("image", "static-site"));
    Path archive = sample.resolve("out/static-site.tar");
    assertTrue(Files.isRegularFile(archive), "default output is oci-archive:<spec dir>/out/<name>.tar");
    Tools.ok(work, "skopeo", "copy", "oci-archive:" + archive + ":latest", "oci:" + work.resolve("layout") + ":latest");
    OciLayoutReader layout = new OciLayoutReader(work.resolve("layout"));
    assertEquals(image.lastLine(), layout.rootDescriptor().get("digest").asText());
    Map<String, OciLayoutReader.Entry> entries = layout.layers(layout.manifest(null)).get(0);
    OciLayoutReader.Entry index = entries.get("srv/www/index.html");
    assertEquals(101, index.uid());
    assertEquals(101, index.gid());
    assertEquals(OciLayoutReader.sha256(sample.resolve("site/index.html")), index.sha256());
    assertEquals("8080/tcp", layout.config(layout.manifest(null)).get("config").get("ExposedPorts").fieldNames().next());
  }

  @Test
  void alpineRootfsRunsItsScriptOffline() throws Exception {
    Requirements.requireTools("umoci", "unshare", "chroot");
    Path minirootfs = Fixtures.file("alpine/minirootfs/alpine-minirootfs-3.20.3-x86_64.tar.gz");
    copySample("alpine-rootfs");
    Sealbuild sb = new Sealbuild(work).env("SEALBUILD_CACHE", work.resolve("cache").toString());
    ok(sb.run("lock", "--check", "alpine-rootfs"));
    // This machine cannot reach Alpine's CDN: carry the release tarball in, as an air-gapped user would.
    ok(sb.run("cache", "import", minirootfs.toString()));
    ok(sb.run("prep", "alpine-rootfs"));
    ok(sb.run("image", "alpine-rootfs", "--output", "oci:out/alpine:latest"));
    Tools.ok(work, "umoci", "unpack", "--image", "out/alpine:latest", "bundle");
    String hello = Tools.ok(work, "unshare", "-n", "chroot", work.resolve("bundle/rootfs").toString(),
        "/usr/bin/env", "GREETING=hello from alpine", "/usr/local/bin/hello");
    assertEquals("hello from alpine (3.20.3)\n", hello);
    Path busybox = work.resolve("bundle/rootfs/bin/busybox");
    assertTrue(Files.isRegularFile(busybox), "the base rootfs is laid down");
  }
}

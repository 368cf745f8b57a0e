package dev.sealbuild.cli.it;

import static dev.sealbuild.cli.it.Sealbuild.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealbuild.testsupport.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sealed pipeline end to end with the real jar: lock over HTTP, prep into a cache, offline image in
 * every output format, each read back by skopeo, umoci and podman and compared with what the spec declares.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineIT {
  @TempDir static Path work;
  static Path served;
  static Path project;
  static LocalHttpServer http;
  static Sealbuild sealbuild;

  @BeforeAll
  static void setUp() throws Exception {
    served = Files.createDirectories(work.resolve("served"));
    project = Files.createDirectories(work.resolve("project"));
    try (var t = new TestArchives.Tar(served.resolve("rootfs.tar"), false)) {
      t.dir("bin", 0755, 0, 0).file("bin/sh", "#!fake shell\n", 0755, 0, 0)
          .dir("etc", 0755, 0, 0).file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n", 0644, 0, 0)
          .dir("usr", 0755, 0, 0).dir("usr/lib", 0755, 0, 0).file("usr/lib/libx.so", "ELF?", 0755, 0, 0)
          .symlink("lib", "usr/lib").dir("home", 0755, 0, 0).dir("home/user", 0700, 42, 43)
          .file("home/user/.profile", "export A=1\n", 0600, 42, 43);
    }
    try (var t = new TestArchives.Tar(served.resolve("tool.tar.gz"), true)) {
      t.dir("bin", 0755, 1234, 1234).file("bin/tool", "#!/bin/sh\necho tool\n", 0755, 1234, 1234)
          .symlink("bin/tool-link", "tool").dir("share", 0755, 0, 0).dir("share/doc", 0755, 0, 0)
          .file("share/doc/README", "read me\n", 0644, 7, 7).hardlink("share/doc/README.hard", "share/doc/README");
    }
    Files.writeString(served.resolve("config.txt"), "key=value\n");
    TestArchives.zip(served.resolve("bundle.zip"), "a.txt", "alpha\n", "dir/b.txt", "beta\n");
    http = new LocalHttpServer(served);

    Path app = Files.createDirectories(project.resolve("app/data"));
    Files.writeString(project.resolve("app/run.sh"), "#!/bin/sh\necho run\n");
    Files.setPosixFilePermissions(project.resolve("app/run.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(app.resolve("x.json"), "{}\n");
    Files.writeString(project.resolve("build.yaml"), """
        name: pipeline-test
        base:
          rootfs:
            url: %s
        files:
          - url: %s
            dest: /opt/tool
            extract: true
            owner: "1000:1000"
          - url: %s
            dest: /etc/app/config.txt
            mode: "0600"
          - url: %s
            dest: /opt/bundle
            extract: true
        copy:
          - src: app
            dest: /app
        config:
          entrypoint: ["/app/run.sh"]
          env: {A: "1"}
          user: "1000:1000"
        """.formatted(http.url("rootfs.tar"), http.url("tool.tar.gz"), http.url("config.txt"), http.url("bundle.zip")));
    sealbuild = new Sealbuild(project);
  }

  @AfterAll
  static void tearDown() {
    if (http != null) {
      http.close();
    }
  }

  @Test
  @Order(1)
  void dryRunPrintsPlanAndWritesNothing() throws Exception {
    Sealbuild.Result r = ok(sealbuild.run("lock", "--dry-run"));
    JsonNode plan = new ObjectMapper().readTree(r.stdout());
    assertEquals(4, plan.size(), r.stdout());
    assertTrue(plan.toString().contains("tool.tar.gz"));
    for (JsonNode entry : plan) {
      assertTrue(entry.has("name"), entry.toString());
    }
    assertFalse(Files.exists(project.resolve("build.lock.json")));
    assertEquals(List.of(), http.requests(), "dry run downloads nothing");
  }

  @Test
  @Order(2)
  void lockPinsEveryInputAndKeepsDownloadsInTheCache() throws Exception {
    assertEquals(1, sealbuild.run("lock", "--check").exit(), "missing lock fails the check");
    ok(sealbuild.run("lock"));
    JsonNode lock = new ObjectMapper().readTree(project.resolve("build.lock.json").toFile());
    assertEquals(OciLayoutReader.sha256(served.resolve("rootfs.tar")), lock.get("rootfs").get("sha256").asText().substring(7));
    for (JsonNode f : lock.get("files")) {
      String name = f.get("url").asText().substring(f.get("url").asText().lastIndexOf('/') + 1);
      String sha = OciLayoutReader.sha256(served.resolve(name));
      assertEquals("sha256:" + sha, f.get("sha256").asText());
      assertEquals(Files.size(served.resolve(name)), f.get("size").asLong());
      assertTrue(Files.isRegularFile(project.resolve("vendor-cache/blobs/sha256/" + sha)), "lock kept " + name);
    }
    byte[] first = Files.readAllBytes(project.resolve("build.lock.json"));
    http.clearRequests();
    ok(sealbuild.run("lock"));
    assertEquals(List.of(), http.requests(), "re-locking an unchanged spec needs no network");
    assertTrue(java.util.Arrays.equals(first, Files.readAllBytes(project.resolve("build.lock.json"))));
    ok(sealbuild.run("lock", "--check"));
  }

  @Test
  @Order(3)
  void prepFetchesOnlyWhatIsNotCached() throws Exception {
    http.clearRequests();
    ok(sealbuild.run("prep"));
    assertEquals(List.of(), http.requests(), "everything was cached by lock");
    http.clearRequests();
    ok(sealbuild.run("prep", "--cache", "fresh-cache"));
    assertEquals(4, http.requests().size(), http.requests().toString());
    ok(sealbuild.run("cache", "verify", "--cache", "fresh-cache"));
  }

  @Test
  @Order(4)
  void imageInEveryFormatIsReadByRealTools() throws Exception {
    Requirements.requireTools("skopeo", "umoci");
    Sealbuild.Result r = ok(sealbuild.run("image", "--cache", "fresh-cache",
        "--output", "oci:out/layout:v1", "--output", "oci-archive:out/image.tar:v1",
        "--output", "docker-archive:out/docker.tar:pipeline-test:v1", "--digest-file", "out/digest"));
    String digest = r.lastLine();
    assertTrue(digest.matches("sha256:[0-9a-f]{64}"), r.toString());
    assertEquals(digest + "\n", Files.readString(project.resolve("out/digest")));

    OciLayoutReader layout = new OciLayoutReader(project.resolve("out/layout"));
    assertEquals(digest, layout.rootDescriptor().get("digest").asText());
    assertEquals(digest.substring(7), OciLayoutReader.sha256(layout.blob(digest)), "the digest is the manifest's");

    for (String ref : List.of("oci:out/layout:v1", "oci-archive:out/image.tar:v1", "docker-archive:out/docker.tar")) {
      JsonNode inspect = new ObjectMapper().readTree(Tools.ok(project, "skopeo", "inspect", ref));
      assertEquals(2, inspect.get("Layers").size(), ref);
      assertEquals("amd64", inspect.get("Architecture").asText(), ref);
    }
    Tools.ok(project, "skopeo", "copy", "oci:out/layout:v1", "docker-archive:out/copied.tar:copied:v1");
    Tools.ok(project, "skopeo", "copy", "docker-archive:out/docker.tar", "oci:out/from-docker:v1");

    Tools.ok(project, "umoci", "unpack", "--rootless", "--image", "out/layout:v1", "out/bundle");
    Path rootfs = project.resolve("out/bundle/rootfs");
    assertEquals("#!/bin/sh\necho tool\n", Files.readString(rootfs.resolve("opt/tool/bin/tool")));
    assertEquals("tool", Files.readSymbolicLink(rootfs.resolve("opt/tool/bin/tool-link")).toString());
    assertEquals("read me\n", Files.readString(rootfs.resolve("opt/tool/share/doc/README.hard")));
    assertEquals("key=value\n", Files.readString(rootfs.resolve("etc/app/config.txt")));
    assertEquals("beta\n", Files.readString(rootfs.resolve("opt/bundle/dir/b.txt")));
    assertEquals("{}\n", Files.readString(rootfs.resolve("app/data/x.json")));
    assertEquals("ELF?", Files.readString(rootfs.resolve("lib/libx.so")), "base symlink lib -> usr/lib kept");
    assertFalse(Files.exists(rootfs.resolve("opt/tool/tool.tar.gz")), "the archive itself never lands");
    Tools.ok(project, "umoci", "unpack", "--rootless", "--image", "out/from-docker:v1", "out/bundle2");
    Tools.ok(project, "skopeo", "copy", "oci-archive:out/image.tar:v1", "oci:out/from-archive:v1");
    Tools.ok(project, "umoci", "unpack", "--rootless", "--image", "out/from-archive:v1", "out/bundle3");
    for (String other : List.of("out/bundle2/rootfs", "out/bundle3/rootfs")) {
      assertEquals("#!/bin/sh\necho tool\n", Files.readString(project.resolve(other).resolve("opt/tool/bin/tool")), other);
      assertEquals("usr/lib", Files.readSymbolicLink(project.resolve(other).resolve("lib")).toString(), other);
    }
  }

  @Test
  @Order(5)
  void layersHoldExactlyTheDeclaredOwnersModesAndLinks() throws Exception {
    OciLayoutReader layout = new OciLayoutReader(project.resolve("out/layout"));
    JsonNode manifest = layout.manifest(null);
    JsonNode config = layout.config(manifest);
    assertEquals("[\"/app/run.sh\"]", config.get("config").get("Entrypoint").toString());
    assertEquals("[\"A=1\"]", config.get("config").get("Env").toString());
    assertEquals("1000:1000", config.get("config").get("User").asText());
    assertEquals("1970-01-01T00:00:00Z", config.get("created").asText());
    List<Map<String, OciLayoutReader.Entry>> layers = layout.layers(manifest);
    assertEquals(2, layers.size());

    Map<String, OciLayoutReader.Entry> base = layers.get(0);
    assertEquals(42, base.get("home/user/").uid(), "rootfs owners kept");
    assertEquals(43, base.get("home/user/.profile").gid());
    assertEquals(0700, base.get("home/user/").mode());
    assertEquals("usr/lib", base.get("lib").linkName());

    Map<String, OciLayoutReader.Entry> added = layers.get(1);
    OciLayoutReader.Entry tool = added.get("opt/tool/bin/tool");
    assertEquals(0755, tool.mode());
    assertEquals(1000, tool.uid(), "extracted entries take the declared owner, not the archive's 1234");
    assertEquals(1000, tool.gid());
    assertEquals('l', added.get("opt/tool/bin/tool-link").type());
    assertEquals("tool", added.get("opt/tool/bin/tool-link").linkName());
    assertEquals('h', added.get("opt/tool/share/doc/README.hard").type());
    assertEquals(0600, added.get("etc/app/config.txt").mode());
    assertEquals(0, added.get("etc/app/config.txt").uid());
    assertEquals(0755, added.get("app/run.sh").mode(), "executable copy source");
    assertEquals(0644, added.get("app/data/x.json").mode());

    List<String> names = new ArrayList<>(added.keySet());
    for (OciLayoutReader.Entry e : added.values()) {
      assertEquals("", e.uname(), e.name());
      assertEquals("", e.gname(), e.name());
      assertEquals(0, e.mtime(), e.name());
      String parent = e.name().replaceAll("/$", "");
      parent = parent.contains("/") ? parent.substring(0, parent.lastIndexOf('/') + 1) : null;
      if (parent != null) {
        assertTrue(names.indexOf(parent) >= 0 && names.indexOf(parent) < names.indexOf(e.name()), "parent before " + e.name());
      }
    }
    assertEquals(names.stream().sorted().toList(), names, "entries sorted by name");
    assertNull(added.get("opt/tool/tool.tar.gz"));
  }

  @Test
  @Order(6)
  void podmanLoadsTheDockerArchive() throws Exception {
    Requirements.requireTools("podman");
    Tools.Output load = Tools.run(project, "podman", "load", "-i", "out/docker.tar");
    assertEquals(0, load.exit(), load.stdout() + load.stderr());
    assertTrue((load.stdout() + load.stderr()).contains("pipeline-test:v1"), load.stdout() + load.stderr());
    Tools.run(project, "podman", "rmi", "-f", "localhost/pipeline-test:v1");
  }

  @Test
  @Order(7)
  void staleLockFailsTheImageAndTheCheck() throws Exception {
    Path spec = project.resolve("build.yaml");
    String original = Files.readString(spec);
    try {
      Files.writeString(spec, original.replace("A: \"1\"", "A: \"2\""));
      Sealbuild.Result check = sealbuild.run("lock", "--check");
      assertEquals(1, check.exit());
      assertTrue(check.stderr().contains("stale"), check.stderr());
      Sealbuild.Result image = sealbuild.run("image", "--output", "oci:out/stale");
      assertEquals(1, image.exit());
      assertTrue(image.stderr().contains("stale") && image.stderr().contains("run build lock"), image.stderr());
      assertFalse(Files.exists(project.resolve("out/stale")), "nothing written");
    } finally {
      Files.writeString(spec, original);
    }
  }

  @Test
  @Order(8)
  void missingOrCorruptCacheEntryNamesTheEntry() throws Exception {
    Path cache = project.resolve("fresh-cache/blobs/sha256");
    String sha = OciLayoutReader.sha256(served.resolve("config.txt"));
    Path blob = cache.resolve(sha);
    byte[] good = Files.readAllBytes(blob);
    try {
      Files.write(blob, "key=valuf\n".getBytes());
      // Without the layer cache: a layer reused from it reads no input at all (docs/layer-cache.md).
      Sealbuild.Result corrupt = sealbuild.run("image", "--no-layer-cache", "--cache", "fresh-cache", "--output", "oci:out/corrupt");
      assertEquals(1, corrupt.exit());
      assertTrue(corrupt.stderr().contains("config.txt") && corrupt.stderr().contains("run build prep"), corrupt.stderr());
      assertFalse(Files.exists(project.resolve("out/corrupt")));
      Files.delete(blob);
      Sealbuild.Result missing = sealbuild.run("image", "--cache", "fresh-cache", "--output", "oci:out/missing");
      assertEquals(1, missing.exit());
      assertTrue(missing.stderr().contains("files[1]") && missing.stderr().contains("run build prep"), missing.stderr());
      assertEquals(1, missing.stderr().lines().filter(l -> l.startsWith("error: ")).count(), missing.stderr());
      assertFalse(missing.stderr().contains("\tat "), "no stack trace");
    } finally {
      Files.write(blob, good);
    }
  }
}

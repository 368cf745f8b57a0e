package dev.sealbuild.cli.it;

import static dev.sealbuild.cli.it.Sealbuild.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.sealbuild.testsupport.Requirements;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian packages from the real, signed archive (the mirror named in this host's apt sources): lock,
 * prep, offline image, then programs from the image run with no network.
 */
class DebianIT {
  @TempDir static Path work;
  static Path cache;

  @BeforeAll
  static void requireDebian() throws Exception {
    Requirements.requireTools("umoci", "unshare", "chroot");
    Requirements.require(Files.isRegularFile(Path.of("/usr/share/keyrings/debian-archive-keyring.gpg")),
        "/usr/share/keyrings/debian-archive-keyring.gpg is missing (apt-get install debian-archive-keyring)");
    cache = work.resolve("cache");
  }

  private static Sealbuild sealbuild() {
    return new Sealbuild(work).env("SEALBUILD_CACHE", cache.toString());
  }

  /** Builds a project, unpacks the image with umoci and returns the root filesystem. */
  private static Path buildAndUnpack(Path project, String name) throws Exception {
    ok(sealbuild().run("lock", project.toString()));
    ok(sealbuild().run("lock", "--check", project.toString()));
    ok(sealbuild().run("prep", project.toString()));
    ok(sealbuild().run("image", project.toString(), "--output", "oci:" + work.resolve("oci-" + name) + ":latest"));
    Tools.ok(work, "umoci", "unpack", "--image", work.resolve("oci-" + name) + ":latest", work.resolve("bundle-" + name).toString());
    return work.resolve("bundle-" + name).resolve("rootfs");
  }

  private static String runOffline(Path rootfs, String... command) throws Exception {
    String[] full = new String[command.length + 4];
    full[0] = "unshare";
    full[1] = "-n";
    full[2] = "chroot";
    full[3] = rootfs.toString();
    System.arraycopy(command, 0, full, 4, command.length);
    return Tools.ok(work, full);
  }

  @Test
  void busyboxSampleEchoes() throws Exception {
    Path project = work.resolve("busybox");
    DeterminismIT.copyTree(Sealbuild.ROOT.resolve("samples/busybox"), project);
    Path rootfs = buildAndUnpack(project, "busybox");
    assertEquals("hello\n", runOffline(rootfs, "/bin/busybox", "echo", "hello"));
    Requirements.requireTools("podman", "runc");
    Tools.Output podman = Tools.podmanRun(work, "oci:" + work.resolve("oci-busybox") + ":latest");
    assertEquals(0, podman.exit(), podman.stdout() + podman.stderr());
    assertEquals("hello\n", podman.stdout(), "the image's own entrypoint and cmd");
    String status = Files.readString(rootfs.resolve("var/lib/dpkg/status.d/busybox-static"));
    assertTrue(status.startsWith("Package: busybox-static\n"), status);
    assertTrue(Files.readString(rootfs.resolve("var/lib/dpkg/status.d/busybox-static.md5sums")).contains("bin/busybox"));
    JsonNode lock = new ObjectMapper().readTree(project.resolve("build.lock.json").toFile());
    assertFalse(lock.toString().contains("http"), "the lock records no mirror URL");
    JsonNode repo = lock.get("repositories").get(0);
    assertEquals("dists/bookworm/InRelease", repo.get("indexes").get(0).get("path").asText());
    assertTrue(repo.get("indexes").get(0).get("signer").asText().matches("[0-9a-f]{40}"));
  }

  /**
   * The README's demo and run commands, taken from README.md as a newcomer copies them: the tagged archive also holds
   * the SBOM and provenance manifests, and podman must still pick the image. Only the host's runtime settings (runc,
   * lower ulimits, as ../shared/peers.md says) come from a containers.conf of the test's own.
   */
  @Test
  void readmeRunCommandWorksAsWritten() throws Exception {
    Requirements.requireTools("podman", "runc", "sh");
    Path checkout = work.resolve("readme");
    DeterminismIT.copyTree(Sealbuild.ROOT.resolve("samples/busybox"), checkout.resolve("samples/busybox"));
    ok(sealbuild().run("prep", checkout.resolve("samples/busybox").toString()));
    ok(new Sealbuild(checkout).env("SEALBUILD_CACHE", cache.toString()).run("image", "samples/busybox"));
    String runLine = Files.readAllLines(Sealbuild.ROOT.resolve("README.md")).stream()
        .filter(l -> l.startsWith("podman run ")).findFirst().orElseThrow(() -> new AssertionError("README shows no podman run"));
    String command = runLine.replaceAll("\\s+#.*$", "");
    Path conf = work.resolve("containers.conf");
    Files.writeString(conf, "[containers]\ndefault_ulimits = [\"nofile=20000:20000\", \"nproc=32768:32768\"]\n"
        + "[engine]\nruntime = \"runc\"\n");
    ProcessBuilder pb = new ProcessBuilder("sh", "-c", command).directory(checkout.toFile()).redirectErrorStream(false);
    pb.environment().put("CONTAINERS_CONF", conf.toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), command + ": " + err);
    assertEquals("hello\n", out, "what the README says it prints");
  }

  @Test
  void pythonSampleComputes() throws Exception {
    Path project = work.resolve("python");
    DeterminismIT.copyTree(Sealbuild.ROOT.resolve("samples/python"), project);
    Path rootfs = buildAndUnpack(project, "python");
    assertEquals("42\n", runOffline(rootfs, "/usr/bin/python3", "-c", "print(6*7)"));
    assertTrue(runOffline(rootfs, "/usr/bin/python3", "/app/app.py").contains("6*7 = 42"));
    assertFalse(Files.exists(rootfs.resolve("bin/sh")) || Files.exists(rootfs.resolve("usr/bin/sh")), "no shell in a minimal image");
  }

  @Test
  void curlWithCaCertificates() throws Exception {
    Path project = Files.createDirectories(work.resolve("curl"));
    Files.writeString(project.resolve("build.yaml"), """
        name: curl
        repositories:
          - {name: debian, type: debian, suite: bookworm}
        packages: [curl, ca-certificates]
        config: {entrypoint: [/usr/bin/curl]}
        """);
    Path rootfs = buildAndUnpack(project, "curl");
    assertTrue(runOffline(rootfs, "/usr/bin/curl", "--version").startsWith("curl "));
    String bundle = Files.readString(rootfs.resolve("etc/ssl/certs/ca-certificates.crt"));
    long certs = bundle.lines().filter(l -> l.equals("-----BEGIN CERTIFICATE-----")).count();
    assertTrue(certs > 100, "a real CA bundle, got " + certs + " certificates");
    try (Stream<Path> s = Files.list(rootfs.resolve("var/lib/dpkg/status.d"))) {
      List<String> recorded = s.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".md5sums")).sorted().toList();
      assertTrue(recorded.containsAll(List.of("ca-certificates", "curl", "libc6", "libcurl4", "openssl")), recorded.toString());
    }
  }

  @Test
  void twoPlatformsGiveAnIndexWithoutEmulation() throws Exception {
    Path project = Files.createDirectories(work.resolve("multi"));
    Files.writeString(project.resolve("build.yaml"), """
        name: multi
        repositories:
          - {name: debian, type: debian, suite: bookworm}
        packages: [busybox-static]
        platforms: [linux/amd64, linux/arm64]
        """);
    ok(sealbuild().run("lock", project.toString()));
    ok(sealbuild().run("prep", project.toString()));
    Sealbuild.Result image = ok(sealbuild().run("image", project.toString(), "--output", "oci:" + work.resolve("oci-multi")));
    OciLayoutReader layout = new OciLayoutReader(work.resolve("oci-multi"));
    JsonNode index = layout.json(image.lastLine());
    assertEquals("application/vnd.oci.image.index.v1+json", index.get("mediaType").asText());
    assertEquals(2, index.get("manifests").size());
    for (String arch : List.of("amd64", "arm64")) {
      var manifest = layout.manifest(arch);
      assertEquals(arch, layout.config(manifest).get("architecture").asText());
      var busybox = layout.layers(manifest).get(0).get("bin/busybox");
      assertTrue(busybox != null, arch);
    }
    JsonNode lock = new ObjectMapper().readTree(project.resolve("build.lock.json").toFile());
    assertEquals(2, lock.get("packages").size(), "one busybox-static per architecture");
    Tools.ok(work, "skopeo", "inspect", "--raw", "oci:" + work.resolve("oci-multi"));
    // Every file of both platforms, status.d records and md5sums included, comes from a pinned .deb or sealbuild.
    Sealbuild.Result audit = sealbuild().run("audit", "oci:" + work.resolve("oci-multi"), project.toString());
    assertEquals(0, audit.exit(), audit.toString());
    assertTrue(audit.stdout().contains("reproduced: " + image.lastLine()), audit.stdout());
    assertTrue(audit.stdout().contains("package busybox-static"), audit.stdout());
  }

  @Test
  void misspelledPackageGetsASuggestion() throws Exception {
    Path project = Files.createDirectories(work.resolve("typo"));
    Files.writeString(project.resolve("build.yaml"), """
        name: typo
        repositories: [{name: debian, type: debian, suite: bookworm}]
        packages: [busybox-statik]
        """);
    Sealbuild.Result r = sealbuild().run("lock", project.toString());
    assertEquals(1, r.exit(), r.toString());
    assertTrue(r.stderr().contains("busybox-statik") && r.stderr().contains("busybox-static"), r.stderr());
    assertFalse(Files.exists(project.resolve("build.lock.json")));
  }

  @Test
  void deadOrHtmlMirrorIsNamedAndLeavesNothingInTheCache() throws Exception {
    Path project = work.resolve("busybox-mirror");
    DeterminismIT.copyTree(Sealbuild.ROOT.resolve("samples/busybox"), project);
    ok(sealbuild().run("lock", project.toString()));
    Path emptyCache = work.resolve("empty-cache");
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/html/", ex -> {
      byte[] page = "<html><body>Mirror maintenance</body></html>".getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", "text/html");
      ex.sendResponseHeaders(200, page.length);
      ex.getResponseBody().write(page);
      ex.close();
    });
    server.createContext("/", ex -> {
      ex.sendResponseHeaders(404, -1);
      ex.close();
    });
    server.start();
    try {
      String base = "http://127.0.0.1:" + server.getAddress().getPort();
      for (String mirror : List.of(base + "/dead", base + "/html")) {
        Sealbuild.Result r = new Sealbuild(work).env("SEALBUILD_CACHE", emptyCache.toString())
            .run("prep", project.toString(), "--mirror", "debian=" + mirror);
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.stderr().contains(mirror + "/pool/main/b/busybox/") && r.stderr().contains("busybox-static"), r.stderr());
        try (Stream<Path> blobs = Files.walk(emptyCache)) {
          assertEquals(0, blobs.filter(Files::isRegularFile).count(), "nothing left in the cache");
        }
      }
    } finally {
      server.stop(0);
    }
  }

  @Test
  void packageBytesThatDifferFromTheLockAreRefused() throws Exception {
    Path project = work.resolve("busybox-tampered");
    DeterminismIT.copyTree(Sealbuild.ROOT.resolve("samples/busybox"), project);
    ok(sealbuild().run("lock", project.toString()));
    Path lockFile = project.resolve("build.lock.json");
    String lock = Files.readString(lockFile);
    JsonNode pinned = new ObjectMapper().readTree(lock).get("packages").get(0);
    String real = pinned.get("sha256").asText();
    String forged = "sha256:" + "0".repeat(64);
    Files.writeString(lockFile, lock.replace(real, forged));
    Path freshCache = work.resolve("tamper-cache");
    Sealbuild.Result r = new Sealbuild(work).env("SEALBUILD_CACHE", freshCache.toString()).run("prep", project.toString());
    assertEquals(1, r.exit(), r.toString());
    assertTrue(r.stderr().contains("busybox-static") && r.stderr().contains(real) && r.stderr().contains(forged), r.stderr());
    try (Stream<Path> blobs = Files.walk(freshCache)) {
      assertEquals(0, blobs.filter(Files::isRegularFile).count(), "nothing left in the cache");
    }
  }
}

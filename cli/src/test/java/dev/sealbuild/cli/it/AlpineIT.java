package dev.sealbuild.cli.it;

import static dev.sealbuild.cli.it.Sealbuild.ok;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealbuild.testsupport.Fixtures;
import dev.sealbuild.testsupport.Requirements;
import dev.sealbuild.testsupport.apk.SigningKey;
import dev.sealbuild.testsupport.apk.TestApk;
import dev.sealbuild.testsupport.apk.TestApkIndex;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alpine packages end to end against a local mirror that looks like Alpine's (a signed APKINDEX and
 * packages built as abuild does), on the real 3.20.3 minirootfs: lock, prep, offline image, and then the
 * real apk inside the image agrees with what was installed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AlpineIT {
  @TempDir static Path work;
  static Path mirror;
  static Path project;
  static LocalHttpServer http;
  static SigningKey key;
  static SigningKey stranger;

  @BeforeAll
  static void setUp() throws Exception {
    Path minirootfs = Fixtures.file("alpine/minirootfs/alpine-minirootfs-3.20.3-x86_64.tar.gz");
    mirror = Files.createDirectories(work.resolve("mirror/alpine/x86_64"));
    key = SigningKey.generate("test@sealbuild.invalid-00000001.rsa.pub");
    stranger = SigningKey.generate("stranger@sealbuild.invalid-00000002.rsa.pub");
    HelloApks.write(mirror, key, "1.0-r0", "hello from apk\n");
    Files.copy(minirootfs, work.resolve("mirror/" + minirootfs.getFileName()));
    http = new LocalHttpServer(work.resolve("mirror"));

    project = Files.createDirectories(work.resolve("project"));
    Files.createDirectories(project.resolve("keys"));
    Files.writeString(project.resolve("keys/" + key.name()), key.publicPem());
    Files.writeString(project.resolve("build.yaml"), """
        name: alpine-hello
        base:
          rootfs:
            url: %s
            sha256: %s
        repositories:
          - name: local
            type: alpine
            url: %s
            keys: [keys/%s]
        packages: [hello]
        accounts:
          groups: [{name: app, gid: 10001}]
          users: [{name: app, uid: 10001, gid: 10001, home: /home/app, shell: /sbin/nologin}]
        config:
          entrypoint: [/usr/bin/hello]
        """.formatted(http.url(minirootfs.getFileName().toString()), OciLayoutReader.sha256(minirootfs), http.url("alpine"), key.name()));
  }

  @AfterAll
  static void tearDown() {
    if (http != null) {
      http.close();
    }
  }

  private static Sealbuild sealbuild(String cache) {
    return new Sealbuild(project).env("SEALBUILD_CACHE", work.resolve(cache).toString());
  }

  @Test
  @Order(1)
  void dryRunResolvesWithoutDownloadingPackages() throws Exception {
    // The base is carried in (as on an air-gapped machine), so the dry run can see what it already has.
    ok(sealbuild("dry-cache").run("cache", "import", work.resolve("mirror/alpine-minirootfs-3.20.3-x86_64.tar.gz").toString()));
    http.clearRequests();
    Sealbuild.Result r = ok(sealbuild("dry-cache").run("lock", "--dry-run"));
    JsonNode plan = new ObjectMapper().readTree(r.stdout());
    List<String> names = new java.util.ArrayList<>();
    plan.forEach(e -> names.add(e.get("name").asText() + "=" + (e.has("version") ? e.get("version").asText() : "")));
    assertTrue(names.containsAll(List.of("hello=1.0-r0", "greeting-data=1.0-r0")), names.toString());
    assertTrue(http.requests().stream().noneMatch(p -> p.endsWith(".apk")), "no package downloaded: " + http.requests());
    assertFalse(Files.exists(project.resolve("build.lock.json")));
  }

  @Test
  @Order(2)
  void lockPinsSha256AndEmbedsKeysButNotWhatTheBaseHas() throws Exception {
    ok(sealbuild("cache").run("lock"));
    JsonNode lock = new ObjectMapper().readTree(project.resolve("build.lock.json").toFile());
    List<String> pinned = new java.util.ArrayList<>();
    for (JsonNode p : lock.get("packages")) {
      pinned.add(p.get("name").asText());
      Path apk = mirror.resolve(p.get("name").asText() + "-" + p.get("version").asText() + ".apk");
      assertEquals("sha256:" + OciLayoutReader.sha256(apk), p.get("sha256").asText());
      assertTrue(p.get("checksum").asText().startsWith("Q1"), p.toString());
    }
    assertEquals(List.of("greeting-data", "hello"), pinned, "musl and busybox come from the base rootfs");
    JsonNode repo = lock.get("repositories").get(0);
    assertEquals(key.publicPem(), repo.get("keys").get(0).get("pem").asText());
    assertEquals("x86_64/APKINDEX.tar.gz", repo.get("indexes").get(0).get("path").asText());
    assertFalse(lock.get("packages").toString().contains("127.0.0.1"), "no mirror URL in package entries");
  }

  @Test
  @Order(3)
  void prepImageAndTheRealApkAgree() throws Exception {
    Requirements.requireTools("umoci", "unshare", "chroot");
    ok(sealbuild("fresh").run("prep"));
    ok(sealbuild("fresh").run("image", "--output", "oci:out/alpine:latest"));
    Tools.ok(project, "umoci", "unpack", "--image", "out/alpine:latest", "out/bundle");
    Path rootfs = project.resolve("out/bundle/rootfs");
    assertEquals("hello from apk\n", Tools.ok(project, "unshare", "-n", "chroot", rootfs.toString(), "/usr/bin/hello"));
    String info = Tools.ok(project, "unshare", "-n", "chroot", rootfs.toString(), "/sbin/apk", "info", "-v");
    assertTrue(info.contains("hello-1.0-r0") && info.contains("greeting-data-1.0-r0") && info.contains("busybox-"), info);
    Tools.Output audit = Tools.run(project, "unshare", "-n", "chroot", rootfs.toString(), "/sbin/apk", "audit", "--system");
    assertEquals(0, audit.exit(), audit.stdout() + audit.stderr());
    assertFalse(audit.stdout().contains("usr/bin/hello") || audit.stdout().contains("usr/share/greeting"), audit.stdout());
    assertTrue(Files.readString(rootfs.resolve("etc/apk/world")).contains("hello"));
    assertTrue(Files.readString(rootfs.resolve("etc/passwd")).contains("app:x:10001:10001::/home/app:/sbin/nologin"));
    assertTrue(Files.readString(rootfs.resolve("etc/passwd")).startsWith("root:x:0:0:root:/root:/bin/sh"), "base accounts kept");
  }

  @Test
  @Order(4)
  void indexSignedByAnUnknownKeyIsRefused() throws Exception {
    byte[] good = Files.readAllBytes(mirror.resolve("APKINDEX.tar.gz"));
    try {
      Files.write(mirror.resolve("APKINDEX.tar.gz"), TestApkIndex.signed(List.of(), "forged", stranger));
      Files.deleteIfExists(project.resolve("build.lock.json"));
      Sealbuild.Result r = sealbuild("cache").run("lock");
      assertEquals(1, r.exit(), r.toString());
      assertTrue(r.stderr().contains(stranger.name()) && r.stderr().contains("local"), r.stderr());
      assertFalse(Files.exists(project.resolve("build.lock.json")));
    } finally {
      Files.write(mirror.resolve("APKINDEX.tar.gz"), good);
    }
    ok(sealbuild("cache").run("lock"));
  }

  @Test
  @Order(5)
  void packageThatDiffersFromTheSignedIndexLeavesNothingInTheCache() throws Exception {
    Path apk = mirror.resolve("greeting-data-1.0-r0.apk");
    byte[] good = Files.readAllBytes(apk);
    try {
      TestApk.Built evil = TestApk.pkg("greeting-data", "1.0-r0")
          .file("usr/share/greeting/text", "evil\n").build(key);
      Files.write(apk, evil.bytes());
      Files.deleteIfExists(project.resolve("build.lock.json"));
      Sealbuild.Result r = sealbuild("evil-cache").run("lock");
      assertEquals(1, r.exit(), r.toString());
      assertTrue(r.stderr().contains("greeting-data") && r.stderr().contains("signed index"), r.stderr());
      assertFalse(Files.exists(project.resolve("build.lock.json")));
      assertFalse(Files.exists(work.resolve("evil-cache/blobs/sha256/" + OciLayoutReader.sha256(apk))), "the bad package is not kept");
    } finally {
      Files.write(apk, good);
    }
  }

  @Test
  @Order(6)
  void updatingOnePackageRefusesToMoveAnotherUnaskedAndDiffNamesTheChanges() throws Exception {
    ok(sealbuild("cache").run("lock"));
    Path before = work.resolve("before.lock.json");
    Files.copy(project.resolve("build.lock.json"), before, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    byte[] index = Files.readAllBytes(mirror.resolve("APKINDEX.tar.gz"));
    try {
      // The mirror moves on: both packages have a new release, and the old ones are gone from the index.
      HelloApks.write(mirror, key, "1.1-r0", "hello again\n");

      Sealbuild.Result refused = sealbuild("cache").run("lock", project.toString(), "--update", "hello");
      assertEquals(1, refused.exit(), refused.toString());
      assertTrue(refused.stderr().contains("greeting-data 1.0-r0 -> 1.1-r0"), refused.stderr());
      assertArrayEquals(Files.readAllBytes(before), Files.readAllBytes(project.resolve("build.lock.json")), "nothing written");

      Sealbuild.Result updated = ok(sealbuild("cache").run("lock", project.toString(), "--update", "hello", "greeting-data"));
      assertTrue(updated.stderr().contains("~ hello") && updated.stderr().contains("1.0-r0 -> 1.1-r0"), updated.stderr());
      Sealbuild.Result diff = sealbuild("cache").run("diff", before.toString(), project.toString());
      assertEquals(1, diff.exit(), diff.toString());
      List<String> lines = diff.stdout().lines().toList();
      List<String> changed = new java.util.ArrayList<>();
      for (int i = lines.indexOf("packages:") + 1; i > 0 && i < lines.size() && lines.get(i).startsWith("  "); i++) {
        changed.add(lines.get(i).trim().split("\\s+")[0] + " " + lines.get(i).trim().split("\\s+")[1]);
      }
      assertEquals(List.of("~ greeting-data", "~ hello"), changed, diff.stdout());
    } finally {
      Files.write(mirror.resolve("APKINDEX.tar.gz"), index);
      Files.copy(before, project.resolve("build.lock.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
  }

  static long blobs(Path cache) throws Exception {
    if (!Files.exists(cache)) {
      return 0;
    }
    try (Stream<Path> s = Files.walk(cache.resolve("blobs"))) {
      return s.filter(Files::isRegularFile).count();
    }
  }
}

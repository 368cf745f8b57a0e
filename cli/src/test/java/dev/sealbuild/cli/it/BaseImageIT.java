package dev.sealbuild.cli.it;

import static dev.sealbuild.cli.it.Sealbuild.ok;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.testsupport.Requirements;
import dev.sealbuild.testsupport.apk.SigningKey;
import dev.sealbuild.testsupport.registry.LocalRegistry;
import dev.sealbuild.testsupport.registry.TestImages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base images end to end against Debian's docker-registry on loopback, seeded by skopeo with a two-platform image
 * made from the real Alpine 3.20.3 minirootfs tarballs (x86_64 and aarch64): lock pins the index, a moved tag changes
 * nothing, the built image starts with the base's exact layer blobs, umoci unpacks both platforms, and a program the
 * spec adds runs in the amd64 root filesystem with no network.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BaseImageIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path work;
  static LocalRegistry registry;
  static TestImages images;
  static Path project;

  @BeforeAll
  static void setUp() throws Exception {
    LocalRegistry.requireTools();
    Requirements.requireTools("umoci", "unshare", "chroot");
    images = TestImages.write(work.resolve("seed"));
    registry = LocalRegistry.start(Files.createDirectories(work.resolve("registry")), null);
    registry.push(images.source("multi"), "alpine:3.20", true, null);
    project = Files.createDirectories(work.resolve("project"));
    Files.writeString(project.resolve("hello.sh"), "#!/bin/sh\necho \"hello from $GREETING on $(uname -m)\"\n");
    Files.writeString(project.resolve("build.yaml"), """
        name: on-alpine
        base:
          image: %s/alpine:3.20
        platforms: [linux/amd64, linux/arm64]
        copy:
          - {src: hello.sh, dest: /usr/local/bin/hello, mode: "0755"}
        config:
          cmd: [/usr/local/bin/hello]
          env: {GREETING: sealbuild}
          labels: {org.example.shared: from-spec}
        """.formatted(registry.host()));
  }

  @AfterAll
  static void tearDown() {
    if (registry != null) {
      registry.close();
    }
  }

  private static Sealbuild sealbuild(String cache) {
    return new Sealbuild(project).env("SEALBUILD_CACHE", work.resolve(cache).toString());
  }

  private static JsonNode lock() throws Exception {
    return JSON.readTree(project.resolve("build.lock.json").toFile());
  }

  @Test
  @Order(1)
  void lockPinsTheIndexAndOneManifestPerPlatform() throws Exception {
    ok(sealbuild("cache").run("lock"));
    byte[] index = registry.rawManifest("alpine:3.20", null);
    JsonNode base = lock().get("baseImage");
    assertEquals(Sha256.hash(index).toString(), base.get("root").get("digest").asText());
    assertEquals("application/vnd.oci.image.index.v1+json", base.get("root").get("mediaType").asText());
    JsonNode entries = JSON.readTree(index).get("manifests");
    List<String> platforms = new ArrayList<>();
    for (JsonNode p : base.get("platforms")) {
      platforms.add(p.get("platform").asText());
      String arch = p.get("platform").asText().split("/")[1];
      JsonNode entry = null;
      for (JsonNode e : entries) {
        if (e.get("platform").get("architecture").asText().equals(arch)) {
          entry = e;
        }
      }
      assertEquals(entry.get("digest").asText(), p.get("manifest").get("digest").asText());
      byte[] layer = arch.equals("amd64") ? images.amd64Layer : images.arm64Layer;
      assertEquals(Sha256.hash(layer).toString(), p.get("layers").get(0).get("digest").asText());
      assertEquals(layer.length, p.get("layers").get(0).get("size").asLong());
    }
    assertEquals(List.of("linux/amd64", "linux/arm64"), platforms);
  }

  @Test
  @Order(2)
  void aTagMovedAfterLockingChangesNothing() throws Exception {
    byte[] before = Files.readAllBytes(project.resolve("build.lock.json"));
    registry.push(images.source("amd64"), "alpine:3.20", false, null);
    assertFalse(Sha256.hash(registry.rawManifest("alpine:3.20", null)).toString()
        .equals(lock().get("baseImage").get("root").get("digest").asText()), "the tag really moved");
    ok(sealbuild("cache").run("lock"));
    assertArrayEquals(before, Files.readAllBytes(project.resolve("build.lock.json")));
    ok(sealbuild("cache").run("lock", "--check"));
    JsonNode plan = JSON.readTree(ok(sealbuild("cache").run("lock", "--dry-run")).stdout());
    assertEquals("image", plan.get(0).get("kind").asText());
    assertTrue(plan.get(0).get("action").asText().startsWith("kept from lock"), plan.toString());
  }

  @Test
  @Order(3)
  void imageStartsWithTheBaseBlobsAndInheritsItsConfig() throws Exception {
    ok(sealbuild("fresh").run("prep"));
    Sealbuild.Result built = ok(sealbuild("fresh").run("image", "--output", "oci:out/img:latest"));
    Path layout = project.resolve("out/img");
    JsonNode top = JSON.readTree(layout.resolve("index.json").toFile());
    String rootDigest = top.get("manifests").get(0).get("digest").asText();
    assertEquals(rootDigest, built.lastLine(), "build image prints the digest it wrote");
    JsonNode index = blob(layout, rootDigest);
    JsonNode lock = lock().get("baseImage");
    for (JsonNode entry : index.get("manifests")) {
      String arch = entry.get("platform").get("architecture").asText();
      JsonNode lockedPlatform = null;
      for (JsonNode p : lock.get("platforms")) {
        if (p.get("platform").asText().equals("linux/" + arch)) {
          lockedPlatform = p;
        }
      }
      JsonNode manifest = blob(layout, entry.get("digest").asText());
      JsonNode layers = manifest.get("layers");
      assertEquals(lockedPlatform.get("layers").get(0).get("digest").asText(), layers.get(0).get("digest").asText(),
          arch + ": the base layer is reused as the registry served it");
      assertEquals(2, layers.size(), arch + ": base layer plus one squashed layer");
      assertEquals(lockedPlatform.get("manifest").get("digest").asText(),
          manifest.get("annotations").get("org.opencontainers.image.base.digest").asText());
      JsonNode config = blob(layout, manifest.get("config").get("digest").asText());
      JsonNode baseConfig = blob(images.layout, lockedPlatform.get("config").get("digest").asText());
      assertEquals(baseConfig.get("rootfs").get("diff_ids").get(0), config.get("rootfs").get("diff_ids").get(0));
      List<String> env = new ArrayList<>();
      config.get("config").get("Env").forEach(e -> env.add(e.asText()));
      assertEquals(List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "BASE_ONLY=kept", "GREETING=sealbuild"), env);
      assertEquals("[\"/usr/local/bin/hello\"]", config.get("config").get("Cmd").toString());
      assertEquals("alpine", config.get("config").get("Labels").get("org.example.base").asText());
      assertEquals("from-spec", config.get("config").get("Labels").get("org.example.shared").asText());
      assertEquals(2, config.get("history").size(), config.get("history").toString());
      assertTrue(config.get("history").get(0).get("created_by").asText().startsWith("alpine minirootfs"));
    }
  }

  @Test
  @Order(4)
  void theSameDigestUnderAnotherUmaskTimeZoneAndCpuCount() throws Exception {
    String first = JSON.readTree(project.resolve("out/img/index.json").toFile()).get("manifests").get(0).get("digest").asText();
    Sealbuild.Result again = ok(sealbuild("fresh").env("TZ", "Pacific/Kiritimati").shellPrefix("umask 077")
        .run("image", "--output", "oci:out/again:latest"));
    assertEquals(first, again.lastLine());
  }

  @Test
  @Order(5)
  void pushKeepsTheDigestMountsTheBaseLayersAndCarriesTheReferrers() throws Exception {
    String built = JSON.readTree(project.resolve("out/img/index.json").toFile()).get("manifests").get(0).get("digest").asText();
    Sealbuild.Result pushed = ok(sealbuild("fresh").run("push", "oci:out/img:latest", "docker://" + registry.host() + "/team/app:1"));
    assertEquals(built, pushed.lastLine());
    assertEquals(built, Sha256.hash(registry.rawManifest("team/app:1", null)).toString(), "skopeo reads the same bytes");
    assertTrue(registry.log().contains("mount="), "base layers are mounted from the base repository, not uploaded");
    JsonNode top = JSON.readTree(project.resolve("out/img/index.json").toFile());
    assertEquals(3, top.get("manifests").size(), "the image, its SBOM and its provenance");
    for (int i = 1; i < 3; i++) {
      String referrer = top.get("manifests").get(i).get("digest").asText();
      byte[] raw = registry.rawManifest("team/app@" + referrer, null);
      assertEquals(built, JSON.readTree(raw).get("subject").get("digest").asText(), "pushed by digest, subject is the image");
    }
    // docker-registry 2.8 has no referrers API, so the OCI 1.1 fallback tag lists them for discovery.
    JsonNode fallback = JSON.readTree(registry.rawManifest("team/app:sha256-" + built.substring("sha256:".length()), null));
    List<String> types = new ArrayList<>();
    fallback.get("manifests").forEach(m -> types.add(m.get("artifactType").asText()));
    assertEquals(List.of("application/spdx+json", "application/vnd.in-toto+json"), types.stream().sorted().toList());
    ok(sealbuild("fresh").run("push", "oci:out/img:latest", "docker://" + registry.host() + "/team/app:1"));
    assertEquals(2, JSON.readTree(registry.rawManifest("team/app:sha256-" + built.substring("sha256:".length()), null))
        .get("manifests").size(), "pushing again merges, it does not list them twice");
  }

  @Test
  @Order(6)
  void umociUnpacksBothPlatformsAndTheAddedProgramRunsOffline() throws Exception {
    for (String arch : List.of("amd64", "arm64")) {
      // umoci reads one manifest: skopeo picks the platform out of the index, keeping every blob as it is.
      Tools.ok(project, "skopeo", "copy", "--quiet", "--override-arch", arch, "oci:out/img:latest", "oci:out/" + arch + ":latest");
      Tools.ok(project, "umoci", "unpack", "--rootless", "--image", "out/" + arch + ":latest", "out/bundle-" + arch);
      Path rootfs = project.resolve("out/bundle-" + arch + "/rootfs");
      assertTrue(Files.isRegularFile(rootfs.resolve("etc/alpine-release")), arch + ": the base's files are there");
      assertTrue(Files.isExecutable(rootfs.resolve("usr/local/bin/hello")), arch + ": the added program is there");
      byte[] busybox = Files.readAllBytes(rootfs.resolve("bin/busybox"));
      int machine = (busybox[18] & 0xff) | (busybox[19] & 0xff) << 8;
      assertEquals(arch.equals("amd64") ? 62 : 183, machine, arch + ": busybox is this platform's ELF");
    }
    Path amd64 = project.resolve("out/bundle-amd64/rootfs");
    assertEquals("hello from sealbuild on x86_64\n",
        Tools.ok(project, "unshare", "-n", "chroot", amd64.toString(), "/usr/bin/env", "GREETING=sealbuild", "/usr/local/bin/hello"));
  }

  @Test
  @Order(7)
  void auditPullsFromTheRegistryAndAccountsForEveryFile() throws Exception {
    Sealbuild.Result r = sealbuild("fresh").run("audit", "docker://" + registry.host() + "/team/app:1");
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.stdout().contains("base-image") && r.stdout().contains("/usr/local/bin/hello"), r.stdout());
    assertFalse(r.stdout().contains("UNACCOUNTED"), r.stdout());
  }

  @Test
  @Order(8)
  void alpinePackagesInstallOnTopOfTheBaseImage() throws Exception {
    Path mirror = Files.createDirectories(work.resolve("mirror/alpine/x86_64"));
    SigningKey key = SigningKey.generate("test@sealbuild.invalid-00000003.rsa.pub");
    HelloApks.write(mirror, key, "1.0-r0", "hello from apk\n");
    registry.push(images.source("multi"), "alpine:pkgs", true, null);
    try (LocalHttpServer http = new LocalHttpServer(work.resolve("mirror"))) {
      Path apkProject = Files.createDirectories(work.resolve("apk-project/keys"));
      Files.writeString(apkProject.resolve(key.name()), key.publicPem());
      Path dir = apkProject.getParent();
      Files.writeString(dir.resolve("build.yaml"), """
          name: apk-on-image
          base:
            image: %s/alpine:pkgs
          repositories:
            - {name: local, type: alpine, url: %s, keys: [keys/%s]}
          packages: [hello]
          """.formatted(registry.host(), http.url("alpine"), key.name()));
      Sealbuild sb = new Sealbuild(dir).env("SEALBUILD_CACHE", work.resolve("apk-cache").toString());
      ok(sb.run("lock"));
      List<String> pinned = new ArrayList<>();
      JSON.readTree(dir.resolve("build.lock.json").toFile()).get("packages").forEach(p -> pinned.add(p.get("name").asText()));
      assertEquals(List.of("greeting-data", "hello"), pinned, "musl and busybox come from the base image's apk database");
      ok(sb.run("prep"));
      ok(sb.run("image", "--output", "oci:out/img:latest"));
      Tools.ok(dir, "umoci", "unpack", "--rootless", "--image", "out/img:latest", "out/bundle");
      Path rootfs = dir.resolve("out/bundle/rootfs");
      assertEquals("hello from apk\n", Tools.ok(dir, "unshare", "-n", "chroot", rootfs.toString(), "/usr/bin/hello"));
      String info = Tools.ok(dir, "unshare", "-n", "chroot", rootfs.toString(), "/sbin/apk", "info", "-v");
      assertTrue(info.contains("hello-1.0-r0") && info.contains("busybox-"), info);
      Tools.Output audit = Tools.run(dir, "unshare", "-n", "chroot", rootfs.toString(), "/sbin/apk", "audit", "--system");
      assertEquals(0, audit.exit(), audit.stdout() + audit.stderr());
      Sealbuild.Result accounted = sb.run("audit", "oci:out/img:latest", "--json");
      assertEquals(0, accounted.exit(), accounted.toString());
      List<String> origins = new ArrayList<>();
      JSON.readTree(accounted.stdout()).get("files").forEach(f -> origins.add(f.get("path").asText() + " " + f.get("origin").get("kind").asText()
          + " " + f.get("origin").get("description").asText()));
      assertTrue(origins.stream().anyMatch(o -> o.startsWith("/bin/busybox base-image")), "base layer files are the base's");
      assertTrue(origins.stream().anyMatch(o -> o.startsWith("/usr/bin/hello package package hello 1.0-r0")), origins.toString());
    }
  }

  @Test
  @Order(9)
  void badReferencesFailInOneLineAndWriteNothing() throws Exception {
    String[][] cases = {
        {"UPPER/Case::x", "does not parse"},
        {registry.host() + "/alpine:no-such-tag", "alpine:no-such-tag"},
        {registry.host() + "/nothing-here:1", "nothing-here"},
    };
    for (String[] c : cases) {
      Path dir = Files.createDirectories(work.resolve("bad-" + Integer.toHexString(c[0].hashCode())));
      Files.writeString(dir.resolve("build.yaml"), "name: bad\nbase:\n  image: \"" + c[0] + "\"\n");
      Sealbuild.Result r = new Sealbuild(dir).env("SEALBUILD_CACHE", work.resolve("bad-cache").toString()).run("lock");
      assertEquals(1, r.exit(), r.toString());
      assertEquals(1, r.stderr().strip().lines().count(), r.stderr());
      assertTrue(r.stderr().contains(c[1]), c[0] + ": " + r.stderr());
      assertFalse(Files.exists(dir.resolve("build.lock.json")));
    }
    Path dir = Files.createDirectories(work.resolve("bad-platform"));
    Files.writeString(dir.resolve("build.yaml"), "name: bad\nbase:\n  image: " + registry.host() + "/alpine:pkgs\nplatforms: [linux/s390x]\n");
    Sealbuild.Result r = new Sealbuild(dir).env("SEALBUILD_CACHE", work.resolve("bad-cache").toString()).run("lock");
    assertEquals(1, r.exit(), r.toString());
    assertTrue(r.stderr().contains("linux/s390x") && r.stderr().contains("linux/amd64") && r.stderr().contains("linux/arm64/v8"), r.stderr());
    assertFalse(Files.exists(dir.resolve("build.lock.json")));
    assertEquals(0, AlpineIT.blobs(work.resolve("bad-cache")), "nothing was cached");
  }

  @Test
  @Order(10)
  void aTamperedBaseLayerInTheCacheIsRefused() throws Exception {
    String layer = lock().get("baseImage").get("platforms").get(0).get("layers").get(0).get("digest").asText();
    Path blob = work.resolve("fresh/blobs/sha256/" + layer.substring("sha256:".length()));
    byte[] good = Files.readAllBytes(blob);
    byte[] bad = good.clone();
    bad[bad.length / 2] ^= 1;
    Files.write(blob, bad);
    try {
      Sealbuild.Result r = sealbuild("fresh").run("image", "--output", "oci:out/tampered:latest");
      assertEquals(1, r.exit(), r.toString());
      assertTrue(r.stderr().contains("base image") && r.stderr().contains("build prep"), r.stderr());
      assertFalse(Files.exists(project.resolve("out/tampered")));
    } finally {
      Files.write(blob, good);
    }
  }

  @Test
  @Order(11)
  void dockerArchiveTakesOnePlatformAndSaysHowToChoose() throws Exception {
    Sealbuild.Result none = sealbuild("fresh").run("image", "--output", "docker-archive:out/img.tar");
    assertEquals(1, none.exit(), none.toString());
    assertTrue(none.stderr().contains("--platform"), none.stderr());
    assertFalse(Files.exists(project.resolve("out/img.tar")));
    ok(sealbuild("fresh").run("image", "--platform", "linux/arm64", "--output", "docker-archive:out/img.tar"));
    String inspected = Tools.ok(project, "skopeo", "inspect", "docker-archive:out/img.tar");
    JsonNode info = JSON.readTree(inspected);
    assertEquals("arm64", info.get("Architecture").asText());
    // docker-archive holds plain tars named by diff_id, as docker save writes them.
    assertEquals(Sha256.hash(new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(images.arm64Layer)).readAllBytes()).toString(),
        info.get("Layers").get(0).asText(), "the arm64 base layer is carried");
  }

  @Test
  @Order(12)
  void aRegistryThatNeedsCredentialsGetsThemFromADockerConfig() throws Exception {
    byte[] salt = new byte[16];
    new java.security.SecureRandom().nextBytes(salt);
    Path dir = Files.createDirectories(work.resolve("private"));
    Path htpasswd = dir.resolve("htpasswd");
    Files.writeString(htpasswd, "robot:" + org.bouncycastle.crypto.generators.OpenBSDBCrypt.generate("2y", "s3cret".toCharArray(), salt, 6) + "\n");
    try (LocalRegistry secured = LocalRegistry.start(Files.createDirectories(dir.resolve("registry")), htpasswd)) {
      secured.push(images.source("amd64"), "private/alpine:1", false, "robot:s3cret");
      Path spec = Files.createDirectories(dir.resolve("project"));
      Files.writeString(spec.resolve("build.yaml"), "name: private\nbase:\n  image: " + secured.host() + "/private/alpine:1\n");
      Path home = Files.createDirectories(dir.resolve("home"));
      Sealbuild anonymous = new Sealbuild(spec).env("HOME", home.toString()).env("SEALBUILD_CACHE", dir.resolve("cache").toString());
      Sealbuild.Result refused = anonymous.run("lock");
      assertEquals(1, refused.exit(), refused.toString());
      assertEquals(1, refused.stderr().strip().lines().count(), refused.stderr());
      assertTrue(refused.stderr().contains("private/alpine"), refused.stderr());
      assertFalse(Files.exists(spec.resolve("build.lock.json")));

      Path dockerConfig = Files.createDirectories(dir.resolve("docker"));
      String auth = java.util.Base64.getEncoder().encodeToString("robot:s3cret".getBytes(StandardCharsets.UTF_8));
      Files.writeString(dockerConfig.resolve("config.json"), "{\"auths\": {\"" + secured.host() + "\": {\"auth\": \"" + auth + "\"}}}");
      Sealbuild withConfig = new Sealbuild(spec).env("HOME", home.toString()).env("DOCKER_CONFIG", dockerConfig.toString())
          .env("SEALBUILD_CACHE", dir.resolve("cache").toString());
      ok(withConfig.run("lock"));
      ok(withConfig.run("prep"));
      assertTrue(Files.exists(dir.resolve("cache/blobs/sha256/" + Sha256.hash(images.amd64Layer).hex())));
    }
  }

  private static JsonNode blob(Path layout, String digest) throws Exception {
    return JSON.readTree(layout.resolve("blobs/sha256/" + digest.substring("sha256:".length())).toFile());
  }
}

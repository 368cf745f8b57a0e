package dev.sealbuild.cli.it;

import static dev.sealbuild.cli.it.Sealbuild.ok;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealbuild.testsupport.Fixtures;
import dev.sealbuild.testsupport.apk.SigningKey;
import dev.sealbuild.testsupport.registry.LocalRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The vendor cache in a registry, with the real jar and Debian's docker-registry on loopback: machine A preps from
 * the "upstream" (a local HTTP server: Alpine minirootfs, a signed apk repository, a pinned file) and pushes its
 * cache; machine B (another cache) preps only from the registry, never contacting upstream, and builds the same
 * digest offline. A registry serving a wrong blob is refused and upstream used; a missing blob with
 * --offline-upstream is a one-line error that leaves nothing half-written.
 */
class CacheRegistryIT {
  @TempDir static Path work;
  static Path project;
  static LocalHttpServer http;
  static LocalRegistry registry;
  static Sealbuild sealbuild;
  static String built;
  static String lockDigest;
  static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void machineAPrepsBuildsAndPushes() throws Exception {
    LocalRegistry.requireTools();
    Path minirootfs = Fixtures.file("alpine/minirootfs/alpine-minirootfs-3.20.3-x86_64.tar.gz");
    Path mirror = Files.createDirectories(work.resolve("mirror/alpine/x86_64"));
    SigningKey key = SigningKey.generate("test@sealbuild.invalid-00000001.rsa.pub");
    HelloApks.write(mirror, key, "1.0-r0", "hello from apk\n");
    Files.copy(minirootfs, work.resolve("mirror/" + minirootfs.getFileName()));
    Files.writeString(work.resolve("mirror/motd.txt"), "pinned by sha256, served by any cache\n");
    http = new LocalHttpServer(work.resolve("mirror"));

    project = Files.createDirectories(work.resolve("project"));
    Files.createDirectories(project.resolve("keys"));
    Files.writeString(project.resolve("keys/" + key.name()), key.publicPem());
    Files.writeString(project.resolve("build.yaml"), """
        name: cache-hello
        base:
          rootfs:
            url: %s
        repositories:
          - name: local
            type: alpine
            url: %s
            keys: [keys/%s]
        packages: [hello]
        files:
          - url: %s
            dest: /etc/motd
        config:
          entrypoint: [/usr/bin/hello]
        """.formatted(http.url(minirootfs.getFileName().toString()), http.url("alpine"), key.name(), http.url("motd.txt")));
    sealbuild = new Sealbuild(project).env("HOME", work.resolve("home").toString());
    ok(sealbuild.run("lock", "--cache", "../cache-a"));
    ok(sealbuild.run("prep", "--cache", "../cache-a"));
    built = ok(sealbuild.run("image", "--cache", "../cache-a", "-o", "oci:../out-a:v1")).lastLine();
    lockDigest = sha256(Files.readAllBytes(project.resolve("build.lock.json")));
    registry = LocalRegistry.start(Files.createDirectories(work.resolve("registry")), null);
    ok(sealbuild.run("cache", "push", ".", "--cache", "../cache-a", "--to", "docker://" + registry.host() + "/sealbuild/cache"));
  }

  @AfterAll
  static void stop() {
    if (registry != null) {
      registry.close();
    }
    if (http != null) {
      http.close();
    }
  }

  static String sha256(byte[] bytes) throws Exception {
    return "sha256:" + java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  static Set<String> blobs(Path cache) throws Exception {
    try (Stream<Path> files = Files.list(cache.resolve("blobs/sha256"))) {
      return files.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
    }
  }

  static List<Path> temporaries(Path cache) throws Exception {
    if (!Files.isDirectory(cache.resolve("tmp"))) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(cache.resolve("tmp"))) {
      return files.toList();
    }
  }

  @Test
  void theArtifactListsExactlyTheLockedBlobsAndASecondPushSendsNothing() throws Exception {
    String tag = "lock-" + lockDigest.substring("sha256:".length());
    byte[] raw = registry.rawManifest("sealbuild/cache:" + tag, null);
    JsonNode manifest = JSON.readTree(raw);
    assertEquals("application/vnd.sealbuild.cache.v1", manifest.path("artifactType").asText());
    assertEquals(lockDigest, manifest.path("annotations").path("dev.sealbuild.cache.lock").asText());
    assertEquals("cache-hello", manifest.path("annotations").path("dev.sealbuild.cache.spec").asText());
    Set<String> listed = new TreeSet<>();
    manifest.path("layers").forEach(l -> listed.add(l.path("digest").asText().substring("sha256:".length())));
    assertEquals(blobs(work.resolve("cache-a")), listed, "the artifact lists the blobs prep put in the cache, no more, no fewer");

    Sealbuild.Result again = ok(sealbuild.run("cache", "push", ".", "--cache", "../cache-a", "--to",
        "docker://" + registry.host() + "/sealbuild/cache"));
    assertFalse(again.stderr().contains("uploaded "), "nothing is sent twice: " + again.stderr());
    assertTrue(again.stdout().strip().endsWith("@" + sha256(raw)), "the same locks give the same manifest: " + again);

    Path copy = work.resolve("skopeo-copy");
    LocalRegistry.run(List.of("skopeo", "copy", "--quiet", "--src-tls-verify=false",
        "docker://" + registry.host() + "/sealbuild/cache:" + tag, "oci:" + copy + ":x"));
    for (String hex : listed) {
      assertArrayEquals(Files.readAllBytes(work.resolve("cache-a/blobs/sha256/" + hex)),
          Files.readAllBytes(copy.resolve("blobs/sha256/" + hex)), "skopeo reads back blob " + hex);
    }
  }

  @Test
  void aPushToAnotherRepositoryMountsTheBlobsTheFirstHolds() throws Exception {
    Sealbuild.Result mounted = ok(sealbuild.run("cache", "push", ".", "--cache", "../cache-a", "--to",
        "docker://" + registry.host() + "/team-b/cache", "--mount-from", "docker://" + registry.host() + "/sealbuild/cache"));
    int blobs = blobs(work.resolve("cache-a")).size();
    assertTrue(mounted.stderr().contains("(0 blobs uploaded, 0 bytes; 0 already there; " + (blobs + 1)
        + " mounted from sealbuild/cache)"), "every blob and the config are mounted, none sent: " + mounted.stderr());
    String tag = "lock-" + lockDigest.substring("sha256:".length());
    Path copy = work.resolve("skopeo-copy-mounted");
    LocalRegistry.run(List.of("skopeo", "copy", "--quiet", "--src-tls-verify=false",
        "docker://" + registry.host() + "/team-b/cache:" + tag, "oci:" + copy + ":x"));
    for (String hex : blobs(work.resolve("cache-a"))) {
      assertArrayEquals(Files.readAllBytes(work.resolve("cache-a/blobs/sha256/" + hex)),
          Files.readAllBytes(copy.resolve("blobs/sha256/" + hex)), "the mounted repository serves blob " + hex);
    }
    Sealbuild.Result elsewhere = sealbuild.run("cache", "push", ".", "--cache", "../cache-a", "--to",
        "docker://" + registry.host() + "/team-b/cache", "--mount-from", "docker://other.invalid/sealbuild/cache");
    assertEquals(1, elsewhere.exit(), elsewhere.toString());
    assertTrue(elsewhere.stderr().contains("is on another registry than --to"), elsewhere.stderr());
  }

  @Test
  void anotherMachinePrepsOnlyFromTheRegistryAndBuildsTheSameDigest() throws Exception {
    http.clearRequests();
    Sealbuild.Result prep = ok(sealbuild.run("prep", "--cache", "../cache-b", "--offline-upstream",
        "--from", "docker://" + registry.host() + "/sealbuild/cache"));
    assertEquals(List.of(), http.requests(), "upstream never contacted: " + prep.stderr());
    assertEquals(blobs(work.resolve("cache-a")), blobs(work.resolve("cache-b")));
    String again = ok(sealbuild.run("image", "--cache", "../cache-b", "-o", "oci:../out-b:v1")).lastLine();
    assertEquals(built, again, "same lock + the registry's cache = the same image");
  }

  @Test
  void theEnvironmentNamesTheRegistryToo() throws Exception {
    http.clearRequests();
    ok(new Sealbuild(project).env("HOME", work.resolve("home").toString())
        .env("SEALBUILD_CACHE_FROM", "docker://" + registry.host() + "/sealbuild/cache")
        .run("prep", "--cache", "../cache-env", "--offline-upstream"));
    assertEquals(List.of(), http.requests());
    assertEquals(blobs(work.resolve("cache-a")), blobs(work.resolve("cache-env")));
  }

  @Test
  void aMissingBlobWithOfflineUpstreamIsOneLineAndLeavesNothingHalfWritten() throws Exception {
    http.clearRequests();
    Path cache = work.resolve("cache-missing");
    Sealbuild.Result prep = sealbuild.run("prep", "--cache", cache.toString(), "--offline-upstream",
        "--from", "docker://" + registry.host() + "/sealbuild/empty");
    assertEquals(1, prep.exit(), prep.toString());
    List<String> errors = prep.stderr().lines().filter(l -> l.startsWith("error: ")).toList();
    assertEquals(1, errors.size(), prep.stderr());
    assertTrue(errors.get(0).contains("is in none of the cache registries: docker://" + registry.host() + "/sealbuild/empty (not there)")
        && errors.get(0).contains("--offline-upstream forbids http://127.0.0.1:" + http.port()), errors.get(0));
    assertFalse(prep.stderr().contains("\tat "), "no stack trace");
    assertEquals(List.of(), http.requests());
    assertEquals(Set.of(), blobs(cache));
    assertEquals(List.of(), temporaries(cache));
  }

  @Test
  void aRegistryServingAWrongBlobIsRefusedAndTheNextSourceUsed() throws Exception {
    Path storage = Files.createDirectories(work.resolve("tampered-registry"));
    try (LocalRegistry tampered = LocalRegistry.start(storage, null)) {
      ok(sealbuild.run("cache", "push", ".", "--cache", "../cache-a", "--to", "docker://" + tampered.host() + "/sealbuild/cache"));
      String motd = sha256(Files.readAllBytes(work.resolve("mirror/motd.txt"))).substring("sha256:".length());
      Path data = storage.resolve("data/docker/registry/v2/blobs/sha256/" + motd.substring(0, 2) + "/" + motd + "/data");
      byte[] original = Files.readAllBytes(data);
      byte[] evil = original.clone();
      evil[0] ^= 1; // same size: only the digest tells
      Files.write(data, evil);

      http.clearRequests();
      Path cache = work.resolve("cache-c");
      Sealbuild.Result prep = ok(sealbuild.run("prep", "--cache", cache.toString(),
          "--from", "docker://" + tampered.host() + "/sealbuild/cache"));
      assertTrue(prep.stderr().contains("warning: files[0] from docker://" + tampered.host()
          + "/sealbuild/cache") && prep.stderr().contains("trying the next source"), prep.stderr());
      assertEquals(List.of("/motd.txt"), http.requests(), "only the refused blob came from upstream");
      assertArrayEquals(original, Files.readAllBytes(cache.resolve("blobs/sha256/" + motd)));
      assertEquals(List.of(), temporaries(cache));

      Path offline = work.resolve("cache-d");
      Sealbuild.Result refused = sealbuild.run("prep", "--cache", offline.toString(), "--offline-upstream",
          "--from", "docker://" + tampered.host() + "/sealbuild/cache");
      assertEquals(1, refused.exit(), refused.toString());
      String error = refused.stderr().lines().filter(l -> l.startsWith("error: ")).findFirst().orElseThrow();
      assertTrue(error.contains("hashes to") && error.contains("not sha256:" + motd), error);
      assertFalse(Files.exists(offline.resolve("blobs/sha256/" + motd)), "the wrong bytes never enter the cache");
      assertEquals(List.of(), temporaries(offline));
    }
  }

  @Test
  void theWholeCacheWithoutAPath() throws Exception {
    Sealbuild.Result push = ok(sealbuild.run("cache", "push", "--cache", "../cache-a", "--to",
        "docker://" + registry.host() + "/sealbuild/whole"));
    assertTrue(push.stdout().strip().startsWith(registry.host() + "/sealbuild/whole:whole-cache@sha256:"), push.toString());
    JsonNode manifest = JSON.readTree(registry.rawManifest("sealbuild/whole:whole-cache", null));
    assertEquals(blobs(work.resolve("cache-a")).size(), manifest.path("layers").size());
  }

  @Test
  void badRepositoriesAreOneLineErrors() throws Exception {
    Sealbuild.Result tagged = sealbuild.run("cache", "push", ".", "--cache", "../cache-a", "--to",
        "docker://" + registry.host() + "/sealbuild/cache:v1");
    assertEquals(1, tagged.exit(), tagged.toString());
    assertTrue(tagged.stderr().startsWith("error: --to 'docker://") && tagged.stderr().contains("names a tag or digest"), tagged.stderr());
    Sealbuild.Result notDocker = sealbuild.run("prep", "--cache", "../cache-x", "--from", "oci:somewhere");
    assertEquals(1, notDocker.exit(), notDocker.toString());
    assertTrue(notDocker.stderr().startsWith("error: --from 'oci:somewhere' is not docker://"), notDocker.stderr());
    Sealbuild.Result notPrepped = sealbuild.run("cache", "push", ".", "--cache", "../cache-empty", "--to",
        "docker://" + registry.host() + "/sealbuild/cache");
    assertEquals(1, notPrepped.exit(), notPrepped.toString());
    assertTrue(notPrepped.stderr().contains("are not in the cache") && notPrepped.stderr().contains("run build prep first"),
        notPrepped.stderr());
  }

  @Test
  void anExportedBundleImportsIntoAnotherCacheAndBuildsTheSameDigest() throws Exception {
    Sealbuild.Result export = ok(sealbuild.run("cache", "export", ".", "--cache", "../cache-a", "-o", "../bundle.tar"));
    String tag = "lock-" + lockDigest.substring("sha256:".length());
    assertTrue(export.stdout().startsWith(tag + "@sha256:"), export.toString());
    Path bundle = work.resolve("bundle.tar");
    JsonNode manifest = JSON.readTree(LocalRegistry.run(List.of("skopeo", "inspect", "--raw", "oci-archive:" + bundle + ":" + tag)));
    assertEquals("application/vnd.sealbuild.cache.v1", manifest.path("artifactType").asText());
    assertEquals(blobs(work.resolve("cache-a")).size(), manifest.path("layers").size(), "exactly the blobs the lock needs");
    LocalRegistry.run(List.of("skopeo", "copy", "--quiet", "--dest-tls-verify=false", "oci-archive:" + bundle + ":" + tag,
        "docker://" + registry.host() + "/sealbuild/from-bundle:" + tag));

    ok(sealbuild.run("cache", "export", ".", "--cache", "../cache-a", "-o", "../bundle-again.tar"));
    assertArrayEquals(Files.readAllBytes(bundle), Files.readAllBytes(work.resolve("bundle-again.tar")), "same locks, same bundle bytes");

    Sealbuild.Result imported = ok(sealbuild.run("cache", "import", "../bundle.tar", "--cache", "../cache-e"));
    assertTrue(imported.stderr().contains("imported " + blobs(work.resolve("cache-a")).size() + " blobs"), imported.stderr());
    assertEquals(blobs(work.resolve("cache-a")), blobs(work.resolve("cache-e")));
    assertEquals(built, ok(sealbuild.run("image", "--cache", "../cache-e", "-o", "oci:../out-e:v1")).lastLine());

    http.clearRequests();
    ok(sealbuild.run("prep", "--cache", "../cache-from-bundle", "--offline-upstream",
        "--from", "docker://" + registry.host() + "/sealbuild/from-bundle"));
    assertEquals(List.of(), http.requests(), "what skopeo copied out of the bundle serves prep --from");
  }

  @Test
  void aCorruptBundleImportsNothing() throws Exception {
    ok(sealbuild.run("cache", "export", ".", "--cache", "../cache-a", "-o", "../good.tar"));
    byte[] good = Files.readAllBytes(work.resolve("good.tar"));
    byte[] flipped = good.clone();
    int motd = indexOf(good, "pinned by sha256".getBytes(StandardCharsets.UTF_8));
    assertTrue(motd > 0, "the bundle holds the pinned file");
    flipped[motd] ^= 1;
    Files.write(work.resolve("flipped.tar"), flipped);
    Files.write(work.resolve("truncated.tar"), java.util.Arrays.copyOf(good, good.length / 2));
    for (String bad : List.of("flipped.tar", "truncated.tar")) {
      Path cache = work.resolve("cache-" + bad);
      Sealbuild.Result imported = sealbuild.run("cache", "import", "../" + bad, "--cache", cache.toString());
      assertEquals(1, imported.exit(), imported.toString());
      List<String> errors = imported.stderr().lines().filter(l -> l.startsWith("error: ")).toList();
      assertEquals(1, errors.size(), imported.stderr());
      assertTrue(errors.get(0).startsWith("error: cannot import oci-archive:") && errors.get(0).endsWith("export the bundle again"),
          errors.get(0));
      assertEquals(Set.of(), blobs(cache), "nothing enters the cache from a corrupt bundle: " + bad);
      assertEquals(List.of(), temporaries(cache));
    }
  }

  @Test
  void gcKeepsExactlyWhatTheKeptLocksNeed() throws Exception {
    Path cache = work.resolve("cache-gc");
    ok(sealbuild.run("prep", "--cache", cache.toString(), "--from", "docker://" + registry.host() + "/sealbuild/cache"));
    Files.writeString(work.resolve("old.txt"), "needed by no lock\n");
    Files.writeString(work.resolve("new.txt"), "needed by no lock, but just written\n");
    ok(sealbuild.run("cache", "import", "../old.txt", "--cache", cache.toString()));
    String old = sha256(Files.readAllBytes(work.resolve("old.txt")));
    java.nio.file.attribute.FileTime hourAgo = java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(3600));
    try (Stream<Path> files = Files.list(cache.resolve("blobs/sha256"))) {
      for (Path blob : files.toList()) {
        Files.setLastModifiedTime(blob, hourAgo);
      }
    }
    ok(sealbuild.run("cache", "import", "../new.txt", "--cache", cache.toString()));
    String recent = sha256(Files.readAllBytes(work.resolve("new.txt")));
    Files.createDirectories(cache.resolve("tmp"));
    Path writing = Files.writeString(cache.resolve("tmp/put-" + ProcessHandle.current().pid() + "-00000000-0000-0000-0000-000000000000.part"), "x");

    Sealbuild.Result dry = ok(sealbuild.run("cache", "gc", "--keep", ".", "--cache", cache.toString()));
    assertEquals(List.of("recent " + recent + " " + Files.size(work.resolve("new.txt")), "unneeded " + old + " " + Files.size(work.resolve("old.txt"))), dry.stdout().lines().sorted().toList(), dry.toString());
    assertTrue(Files.exists(cache.resolve("blobs/sha256/" + old.substring(7))), "a dry run deletes nothing");

    Sealbuild.Result gc = ok(sealbuild.run("cache", "gc", "--keep", ".", "--delete", "--cache", cache.toString()));
    assertTrue(gc.stderr().contains("deleted 1 blobs"), gc.stderr());
    Set<String> expected = new TreeSet<>(blobs(work.resolve("cache-a")));
    expected.add(recent.substring(7));
    assertEquals(expected, blobs(cache), "the kept lock's blobs and the recent one stay; the unneeded old one goes");
    assertTrue(Files.exists(writing), "a blob being written is never touched");
    assertEquals(built, ok(sealbuild.run("image", "--cache", cache.toString(), "-o", "oci:../out-gc:v1")).lastLine());
  }

  @Test
  void anUnreachableCacheRegistryIsOneWarningAndUpstreamServes() throws Exception {
    int closed;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = socket.getLocalPort();
    }
    Sealbuild.Result prep = ok(sealbuild.run("prep", "--cache", "../cache-unreachable",
        "--from", "docker://127.0.0.1:" + closed + "/sealbuild/cache", "--from", "docker://" + registry.host() + "/sealbuild/empty"));
    assertEquals(1, prep.stderr().lines().filter(l -> l.startsWith("warning: cache registry docker://127.0.0.1:" + closed)).count(),
        prep.stderr());
    assertEquals(blobs(work.resolve("cache-a")), blobs(work.resolve("cache-unreachable")));
  }
}

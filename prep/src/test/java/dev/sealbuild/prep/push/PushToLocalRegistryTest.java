package dev.sealbuild.prep.push;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sealbuild.prep.http.TransportFixtures;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.prep.registry.BlobPush;
import dev.sealbuild.testsupport.registry.LocalRegistry;
import dev.sealbuild.prep.registry.RegistryException;
import dev.sealbuild.prep.registry.RegistryPusher;
import dev.sealbuild.prep.registry.RegistrySettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pushes hand-written OCI layouts to a real docker-registry on loopback and reads them back with skopeo. */
class PushToLocalRegistryTest {
  @TempDir
  static Path registryDir;
  static LocalRegistry registry;

  @TempDir
  Path dir;

  @BeforeAll
  static void start() throws Exception {
    LocalRegistry.requireTools();
    registry = LocalRegistry.start(registryDir, null);
  }

  @AfterAll
  static void stop() {
    if (registry != null) {
      registry.close();
    }
  }

  private RegistrySettings settings() {
    return new RegistrySettings(Set.of(), Map.of("HOME", dir.resolve("no-home").toString()));
  }

  private PushResult push(String source, String destination, PushListener listener) {
    PushSource from = PushSource.parse(source, dir);
    try (OciLayoutReader layout = from.open(); RegistryPusher pusher = new RegistryPusher(settings(), TransportFixtures.transport(2))) {
      PushPlan plan = PushPlan.of(layout, from.tag());
      return new ImagePusher(pusher, listener).push(plan, PushDestination.parse(destination));
    }
  }

  private String dest(String repoAndTag) {
    return "docker://" + registry.host() + "/" + repoAndTag;
  }

  private static long count(String log, String regex) {
    return Pattern.compile(regex).matcher(log).results().count();
  }

  @Test
  void imageIsPushedByteExactAndASecondPushUploadsNothing() throws Exception {
    TestLayout layout = new TestLayout(dir.resolve("layout"));
    ObjectNode manifest = layout.image("amd64", Map.of(), TestLayout.layer("etc/a", "alpha\n"), TestLayout.layer("etc/b", "beta\n"));
    layout.indexJson(TestLayout.tagged(manifest, "v1"));

    RecordingListener first = new RecordingListener();
    PushResult result = push("oci:layout:v1", dest("app:v1"), first);

    byte[] raw = registry.rawManifest("app:v1", null);
    assertArrayEquals(layout.bytes(manifest), raw, "the registry serves the layout's manifest bytes unchanged");
    assertEquals(Sha256.hash(raw), result.digest());
    assertEquals(TestLayout.digest(manifest), result.digest());
    assertEquals(registry.host() + "/app:v1@" + result.digest(), result.reference().toString());
    assertEquals(3, first.count(BlobPush.UPLOADED), first.events.toString());
    assertEquals(List.of(registry.host() + "/app:v1"), first.manifests());
    // skopeo checks every blob's digest while copying.
    LocalRegistry.run(List.of("skopeo", "copy", "--quiet", "--src-tls-verify=false", "docker://" + registry.host() + "/app:v1",
        "oci:" + dir.resolve("copy") + ":v1"));
    assertArrayEquals(layout.bytes(manifest), Files.readAllBytes(new TestLayout(dir.resolve("copy")).blobPath(manifest)));

    String logBefore = registry.log();
    RecordingListener second = new RecordingListener();
    PushResult again = push("oci:layout:v1", dest("app:v1"), second);
    assertEquals(result.digest(), again.digest());
    assertEquals(0, second.count(BlobPush.UPLOADED), second.events.toString());
    assertEquals(3, second.count(BlobPush.EXISTED), second.events.toString());
    String newLog = registry.log().substring(logBefore.length());
    assertEquals(0, count(newLog, "(POST|PATCH) /v2/app/blobs/uploads"), newLog);
    assertEquals(3, count(newLog, "HEAD /v2/app/blobs/sha256:[0-9a-f]{64} HTTP/1.1\" 200"), newLog);
  }

  @Test
  void multiPlatformIndexPushesBothManifestsThenTheIndex() throws Exception {
    TestLayout layout = new TestLayout(dir.resolve("layout"));
    byte[][] shared = TestLayout.layer("etc/os-release", "ID=test\n");
    ObjectNode amd64 = layout.image("amd64", Map.of(), shared, TestLayout.layer("bin/x", "amd64\n"));
    ObjectNode arm64 = layout.image("arm64", Map.of(), shared, TestLayout.layer("bin/x", "arm64\n"));
    ObjectNode index = layout.index(amd64, arm64);
    layout.indexJson(TestLayout.tagged(index, "multi"));

    RecordingListener listener = new RecordingListener();
    PushResult result = push("oci:layout", dest("multi:1"), listener);

    assertEquals(TestLayout.digest(index), result.digest());
    assertEquals(List.of(registry.host() + "/multi@" + TestLayout.digest(amd64), registry.host() + "/multi@" + TestLayout.digest(arm64),
        registry.host() + "/multi:1"), listener.manifests(), "platform manifests first, the index last");
    assertEquals(5, listener.count(BlobPush.UPLOADED), "2 configs, 3 distinct layers: " + listener.events);
    int firstManifest = listener.events.indexOf("manifest " + listener.manifests().get(0));
    assertEquals(5, firstManifest, "every blob before any manifest: " + listener.events);
    byte[] raw = registry.rawManifest("multi:1", null);
    assertArrayEquals(layout.bytes(index), raw);
    assertEquals(result.digest(), Sha256.hash(raw));
    assertArrayEquals(layout.bytes(arm64), registry.rawManifest("multi@" + TestLayout.digest(arm64), null));
    LocalRegistry.run(List.of("skopeo", "copy", "--quiet", "--all", "--src-tls-verify=false",
        "docker://" + registry.host() + "/multi:1", "oci:" + dir.resolve("copy") + ":multi"));
  }

  @Test
  void baseImageAnnotationOnTheSameRegistryMountsItsLayers() throws Exception {
    TestLayout base = new TestLayout(dir.resolve("base"));
    byte[][] baseLayer = TestLayout.layer("etc/base", "base layer\n");
    ObjectNode baseManifest = base.image("amd64", Map.of(), baseLayer);
    base.indexJson(TestLayout.tagged(baseManifest, "1"));
    push("oci:base:1", dest("library/base:1"), PushListener.NONE);

    TestLayout app = new TestLayout(dir.resolve("app"));
    ObjectNode appManifest = app.image("amd64", Map.of("org.opencontainers.image.base.name", registry.host() + "/library/base:1"),
        baseLayer, TestLayout.layer("app/run", "app\n"));
    app.indexJson(TestLayout.tagged(appManifest, "1"));
    RecordingListener listener = new RecordingListener();
    String logBefore = registry.log();
    push("oci:app:1", dest("team/app:1"), listener);

    String baseLayerDigest = Sha256.hash(baseLayer[0]).toString();
    assertTrue(listener.events.contains("MOUNTED " + baseLayerDigest + " from library/base"), listener.events.toString());
    assertEquals(1, listener.count(BlobPush.MOUNTED), listener.events.toString());
    assertEquals(2, listener.count(BlobPush.UPLOADED), "the app layer and config: " + listener.events);
    String newLog = registry.log().substring(logBefore.length());
    assertEquals(1, count(newLog, "POST /v2/team/app/blobs/uploads/\\?(mount=" + baseLayerDigest + "&from=library(/|%2F)base|from=library(/|%2F)base&mount="
        + baseLayerDigest + ")[^\"]* HTTP/1.1\" 201"), newLog);
    assertArrayEquals(app.bytes(appManifest), registry.rawManifest("team/app:1", null));
  }

  @Test
  void baseOnAnotherRegistryOrUnparsableIsNotMounted() {
    var destination = PushDestination.parse(dest("team/app:1"));
    assertEquals("library/base", ImagePusher.mountSource(registry.host() + "/library/base:1", destination));
    assertEquals(null, ImagePusher.mountSource("docker.io/library/alpine:3.20", destination));
    assertEquals(null, ImagePusher.mountSource(registry.host() + "/team/app:0", destination), "same repository");
    assertEquals(null, ImagePusher.mountSource("not a reference!", destination));
  }

  @Test
  void referrersOfTheImageArePushedByDigestAfterIt() throws Exception {
    TestLayout layout = new TestLayout(dir.resolve("layout"));
    ObjectNode amd64 = layout.image("amd64", Map.of(), TestLayout.layer("a", "a\n"));
    ObjectNode arm64 = layout.image("arm64", Map.of(), TestLayout.layer("a", "b\n"));
    ObjectNode index = layout.index(amd64, arm64);
    ObjectNode sbom = layout.referrer(index, "application/spdx+json", "{\"spdxVersion\":\"SPDX-2.3\"}");
    ObjectNode provenance = layout.referrer(amd64, "application/vnd.in-toto+json", "{\"predicateType\":\"slsa\"}");
    ObjectNode signatureOfSbom = layout.referrer(sbom, "application/vnd.dev.sigstore.bundle+json", "{\"sig\":1}");
    ObjectNode unrelatedImage = layout.image("amd64", Map.of(), TestLayout.layer("z", "other\n"));
    ObjectNode unrelatedSbom = layout.referrer(unrelatedImage, "application/spdx+json", "{\"other\":true}");
    layout.indexJson(signatureOfSbom, TestLayout.tagged(index, "v1"), sbom, TestLayout.tagged(unrelatedImage, "other"), unrelatedSbom,
        provenance);

    RecordingListener listener = new RecordingListener();
    PushResult result = push("oci:layout:v1", dest("withrefs:v1"), listener);

    String repo = registry.host() + "/withrefs";
    List<String> all = listener.manifests();
    List<String> fallbackTags = all.stream().filter(m -> m.contains(":sha256-")).toList();
    List<String> manifests = all.stream().filter(m -> !m.contains(":sha256-")).toList();
    assertEquals(all.subList(all.size() - fallbackTags.size(), all.size()), fallbackTags, "fallback tags come last");
    assertEquals(repo + ":v1", manifests.get(2), "the image first: " + manifests);
    assertEquals(Set.of(repo + "@" + TestLayout.digest(sbom), repo + "@" + TestLayout.digest(provenance),
        repo + "@" + TestLayout.digest(signatureOfSbom)), Set.copyOf(manifests.subList(3, manifests.size())));
    assertEquals(6, manifests.size(), "nothing of the unrelated image: " + manifests);
    assertTrue(manifests.indexOf(repo + "@" + TestLayout.digest(sbom)) < manifests.indexOf(repo + "@" + TestLayout.digest(signatureOfSbom)));
    assertEquals(3, result.referrers());
    for (ObjectNode referrer : List.of(sbom, provenance, signatureOfSbom)) {
      assertArrayEquals(layout.bytes(referrer), registry.rawManifest("withrefs@" + TestLayout.digest(referrer), null));
    }
    assertThrows(IllegalStateException.class, () -> registry.rawManifest("withrefs@" + TestLayout.digest(unrelatedSbom), null));
    // docker-registry has no referrers API: each subject gets the OCI 1.1 fallback tag listing its referrers.
    assertEquals(3, fallbackTags.size(), "one per subject (index, amd64 manifest, SBOM): " + fallbackTags);
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    com.fasterxml.jackson.databind.JsonNode ofIndex = json.readTree(registry.rawManifest("withrefs:sha256-" + result.digest().hex(), null));
    assertEquals(1, ofIndex.get("manifests").size());
    assertEquals(TestLayout.digest(sbom).toString(), ofIndex.get("manifests").get(0).get("digest").asText());
    assertEquals("application/spdx+json", ofIndex.get("manifests").get(0).get("artifactType").asText());
    com.fasterxml.jackson.databind.JsonNode ofAmd64 = json.readTree(registry.rawManifest("withrefs:sha256-" + TestLayout.digest(amd64).hex(), null));
    assertEquals(TestLayout.digest(provenance).toString(), ofAmd64.get("manifests").get(0).get("digest").asText());
    com.fasterxml.jackson.databind.JsonNode ofSbom = json.readTree(
        registry.rawManifest("withrefs:sha256-" + TestLayout.digest(sbom).hex(), null));
    assertEquals(TestLayout.digest(signatureOfSbom).toString(), ofSbom.get("manifests").get(0).get("digest").asText());
  }

  @Test
  void ociArchiveIsPushedLikeTheDirectory() throws Exception {
    TestLayout layout = new TestLayout(dir.resolve("layout"));
    ObjectNode manifest = layout.image("amd64", Map.of(), TestLayout.layer("etc/a", "archived\n"));
    layout.indexJson(TestLayout.tagged(manifest, "v2"));
    layout.archive(dir.resolve("image.tar"));
    // skopeo's own oci-archive writer, to show archives from other tools are read too
    LocalRegistry.run(List.of("skopeo", "copy", "--quiet", "oci:" + layout.dir + ":v2", "oci-archive:" + dir.resolve("skopeo.tar") + ":v2"));

    PushResult ours = push("oci-archive:image.tar:v2", dest("archived:v2"), PushListener.NONE);
    assertEquals(TestLayout.digest(manifest), ours.digest());
    assertArrayEquals(layout.bytes(manifest), registry.rawManifest("archived:v2", null));
    PushResult skopeos = push("oci-archive:skopeo.tar", dest("archived:skopeo"), PushListener.NONE);
    assertEquals(TestLayout.digest(manifest), skopeos.digest());
  }

  @Test
  void corruptBlobIsRefusedBeforeAnythingIsSent() throws Exception {
    TestLayout layout = new TestLayout(dir.resolve("layout"));
    ObjectNode manifest = layout.image("amd64", Map.of(), TestLayout.layer("etc/a", "good\n"), TestLayout.layer("etc/b", "also good\n"));
    layout.indexJson(TestLayout.tagged(manifest, "v1"));
    String layer = layout.blobsOf(manifest).get(2).get("digest").asText();
    byte[] bytes = layout.bytes(layer);
    bytes[bytes.length - 5] ^= 1;
    Files.write(layout.blobPath(layer), bytes);
    String logBefore = registry.log();

    PushException e = assertThrows(PushException.class, () -> push("oci:layout:v1", dest("corrupt:v1"), PushListener.NONE));
    assertTrue(e.getMessage().contains(layer) && e.getMessage().contains("corrupt"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
    assertFalse(registry.log().substring(logBefore.length()).contains("/v2/corrupt/"), "nothing was sent");
  }

  @Test
  void blobChangedAfterCheckingFailsTheUploadAndTagsNothing() throws Exception {
    TestLayout layout = new TestLayout(dir.resolve("layout"));
    ObjectNode manifest = layout.image("amd64", Map.of(), TestLayout.layer("etc/a", "first\n"));
    layout.indexJson(TestLayout.tagged(manifest, "v1"));
    String layer = layout.blobsOf(manifest).get(1).get("digest").asText();

    try (OciLayoutReader reader = OciLayoutReader.directory(layout.dir); RegistryPusher pusher = new RegistryPusher(settings(), TransportFixtures.transport(2))) {
      PushPlan plan = PushPlan.of(reader, "v1");
      byte[] bytes = layout.bytes(layer);
      bytes[bytes.length - 5] ^= 1;
      Files.write(layout.blobPath(layer), bytes);
      RegistryException e = assertThrows(RegistryException.class,
          () -> new ImagePusher(pusher, PushListener.NONE).push(plan, PushDestination.parse(dest("raced:v1"))));
      assertTrue(e.getMessage().contains(layer) && e.getMessage().contains("hashes to"), e.getMessage());
    }
    IllegalStateException missing = assertThrows(IllegalStateException.class, () -> registry.rawManifest("raced:v1", null));
    assertTrue(missing.getMessage().contains("manifest unknown") || missing.getMessage().contains("not found"), missing.getMessage());
    assertEquals(0, count(registry.log(), "PUT /v2/raced/blobs/uploads/[^ ]*digest=" + layer + "[^\"]*\" 201"), "the altered layer was never committed");
  }

  @Test
  void destinationDigestMustBeTheImages() throws Exception {
    TestLayout layout = new TestLayout(dir.resolve("layout"));
    ObjectNode manifest = layout.image("amd64", Map.of(), TestLayout.layer("etc/a", "pinned\n"));
    layout.indexJson(TestLayout.tagged(manifest, "v1"));
    String other = "sha256:" + "0".repeat(64);
    PushException e = assertThrows(PushException.class, () -> push("oci:layout", dest("pinned:v1@" + other), PushListener.NONE));
    assertTrue(e.getMessage().contains(other) && e.getMessage().contains(TestLayout.digest(manifest).toString()), e.getMessage());
    PushResult byDigest = push("oci:layout", dest("pinned@" + TestLayout.digest(manifest)), PushListener.NONE);
    assertArrayEquals(layout.bytes(manifest), registry.rawManifest("pinned@" + byDigest.digest(), null));
  }

  @Test
  void nonLoopbackRegistryIsSpokenToOverHttpsOnlyUnlessListedInsecure() throws Exception {
    TestLayout layout = new TestLayout(dir.resolve("layout"));
    ObjectNode manifest = layout.image("amd64", Map.of(), TestLayout.layer("etc/a", "tls\n"));
    layout.indexJson(TestLayout.tagged(manifest, "v1"));
    // .invalid never resolves (RFC 6761), so no connection is ever made; the message says which scheme was used.
    String destination = "docker://registry.invalid:5000/app:v1";
    for (Set<String> insecure : List.of(Set.<String>of(), Set.of("registry.invalid:5000"))) {
      try (OciLayoutReader reader = OciLayoutReader.directory(layout.dir);
          RegistryPusher pusher = new RegistryPusher(new RegistrySettings(insecure, Map.of("HOME", dir.toString())), TransportFixtures.transport(1))) {
        PushPlan plan = PushPlan.of(reader, null);
        RegistryException e = assertThrows(RegistryException.class,
            () -> new ImagePusher(pusher, PushListener.NONE).push(plan, PushDestination.parse(destination)));
        assertTrue(e.getMessage().contains("registry.invalid:5000/app:v1"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertEquals(insecure.isEmpty(), e.getMessage().contains("was contacted over HTTPS"), e.getMessage());
      }
    }
  }
}

package dev.sealbuild.prep.registry;

import dev.sealbuild.formats.oci.MediaType;
import dev.sealbuild.formats.oci.Platform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.prep.http.TransportFixtures;
import dev.sealbuild.formats.digest.Sha256;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Manifests and responses a registry should never send, served by a scripted registry on loopback. */
class HostileRegistryTest {
  private static final Platform AMD64 = Platform.parse("linux/amd64");
  private final byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
      .getBytes(StandardCharsets.UTF_8);
  private final byte[] layer = "not really a layer".getBytes(StandardCharsets.UTF_8);

  @TempDir
  Path dir;
  FakeRegistry fake;
  RemoteRegistry registry;

  @BeforeEach
  void start() throws Exception {
    fake = new FakeRegistry();
    registry = new RemoteRegistry(new RegistrySettings(Set.of(), Map.of()), TransportFixtures.transport(3));
    fake.put("/v2/img/blobs/" + Sha256.hash(config), FakeRegistry.Reply.ok("application/octet-stream", config));
    fake.put("/v2/img/blobs/" + Sha256.hash(layer), FakeRegistry.Reply.ok("application/octet-stream", layer));
  }

  @AfterEach
  void stop() {
    registry.close();
    fake.close();
  }

  private ImageReference ref(String rest) {
    return ImageReference.parse(fake.host() + "/img" + rest);
  }

  private String manifest(String extra) {
    return "{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_MANIFEST.toString() + "\","
        + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + Sha256.hash(config) + "\",\"size\":" + config.length + "},"
        + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"" + Sha256.hash(layer) + "\",\"size\":" + layer.length + "}]"
        + extra + "}";
  }

  private static String indexOf(String mediaType, byte[] child, String childMediaTypeInDescriptor) {
    return "{\"schemaVersion\":2,\"mediaType\":\"" + mediaType + "\",\"manifests\":[{\"mediaType\":\"" + childMediaTypeInDescriptor
        + "\",\"digest\":\"" + Sha256.hash(child) + "\",\"size\":" + child.length + ",\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}]}";
  }

  private RegistryException refused(ImageReference reference) {
    RegistryException e = assertThrows(RegistryException.class, () -> registry.resolve(reference, List.of(AMD64)));
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    return e;
  }

  @Test
  void bearerTokenFromRegistryAuthFileServesManifestsAndBlobs() throws Exception {
    String basic = "Basic " + Base64.getEncoder().encodeToString("robot:pw".getBytes(StandardCharsets.UTF_8));
    fake.requireBearer(basic);
    byte[] bytes = manifest("").getBytes(StandardCharsets.UTF_8);
    fake.put("/v2/img/manifests/v1", FakeRegistry.Reply.ok(MediaType.OCI_MANIFEST.toString(), bytes));
    Path authFile = dir.resolve("auth.json");
    Files.writeString(authFile, "{\"auths\":{\"" + fake.host() + "\":{\"auth\":\""
        + Base64.getEncoder().encodeToString("robot:pw".getBytes(StandardCharsets.UTF_8)) + "\"}}}");
    try (RemoteRegistry withAuthFile = new RemoteRegistry(new RegistrySettings(Set.of(), Map.of("REGISTRY_AUTH_FILE", authFile.toString())), TransportFixtures.transport(1))) {
      ResolvedImage resolved = withAuthFile.resolve(ref(":v1"), List.of(AMD64));
      assertEquals(Sha256.hash(bytes), resolved.root().digest());
      assertArrayEquals(config, resolved.images().get(0).configBytes());
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      withAuthFile.fetchBlob(ref(":v1"), Sha256.hash(layer), layer.length, out);
      assertArrayEquals(layer, out.toByteArray());
    }
    RegistryException anonymous = refused(ref(":v1"));
    assertTrue(anonymous.getMessage().contains("no credentials found for " + fake.host()), anonymous.getMessage());
  }

  @Test
  void manifestWhoseBytesDoNotMatchTheRequestedDigestIsRefused() {
    byte[] bytes = manifest("").getBytes(StandardCharsets.UTF_8);
    Sha256 claimed = Sha256.hash("something else".getBytes(StandardCharsets.UTF_8));
    fake.put("/v2/img/manifests/" + claimed, FakeRegistry.Reply.ok(MediaType.OCI_MANIFEST.toString(), bytes));
    assertTrue(refused(ref("@" + claimed)).getMessage().contains("not the digest asked for"));
  }

  @Test
  void dockerContentDigestHeaderThatDisagreesIsRefused() {
    byte[] bytes = manifest("").getBytes(StandardCharsets.UTF_8);
    fake.put("/v2/img/manifests/v1", new FakeRegistry.Reply(200, MediaType.OCI_MANIFEST.toString(), bytes,
        Map.of("Docker-Content-Digest", Sha256.hash(new byte[0]).toString())));
    assertTrue(refused(ref(":v1")).getMessage().contains("registry says"));
  }

  @Test
  void documentWithBothManifestsAndLayersIsRefused() {
    byte[] bytes = manifest(",\"manifests\":[]").getBytes(StandardCharsets.UTF_8);
    fake.put("/v2/img/manifests/v1", FakeRegistry.Reply.ok(MediaType.OCI_MANIFEST.toString(), bytes));
    assertTrue(refused(ref(":v1")).getMessage().contains("both 'manifests' and"));
  }

  @Test
  void mediaTypeDisagreeingWithTheServedTypeOrTheDescriptorIsRefused() {
    byte[] bytes = manifest("").getBytes(StandardCharsets.UTF_8);
    fake.put("/v2/img/manifests/v1", FakeRegistry.Reply.ok(MediaType.DOCKER_MANIFEST.toString(), bytes));
    assertTrue(refused(ref(":v1")).getMessage().contains("says mediaType"));

    byte[] index = indexOf(MediaType.OCI_INDEX.toString(), bytes, MediaType.DOCKER_MANIFEST.toString()).getBytes(StandardCharsets.UTF_8);
    fake.put("/v2/img/manifests/multi", FakeRegistry.Reply.ok(MediaType.OCI_INDEX.toString(), index));
    fake.put("/v2/img/manifests/" + Sha256.hash(bytes), FakeRegistry.Reply.ok(MediaType.OCI_MANIFEST.toString(), bytes));
    assertTrue(refused(ref(":multi")).getMessage().contains("says mediaType"));
  }

  @Test
  void indexChildWhoseBytesDoNotMatchItsDescriptorIsRefused() {
    byte[] bytes = manifest("").getBytes(StandardCharsets.UTF_8);
    byte[] index = indexOf(MediaType.OCI_INDEX.toString(), bytes, MediaType.OCI_MANIFEST.toString()).getBytes(StandardCharsets.UTF_8);
    fake.put("/v2/img/manifests/multi", FakeRegistry.Reply.ok(MediaType.OCI_INDEX.toString(), index));
    fake.put("/v2/img/manifests/" + Sha256.hash(bytes), FakeRegistry.Reply.ok(MediaType.OCI_MANIFEST.toString(), manifest(" ").getBytes(StandardCharsets.UTF_8)));
    assertTrue(refused(ref(":multi")).getMessage().contains("does not match its descriptor"));

    fake.put("/v2/img/manifests/" + Sha256.hash(bytes), FakeRegistry.Reply.ok(MediaType.OCI_MANIFEST.toString(), bytes));
    ResolvedImage resolved = registry.resolve(ref(":multi"), List.of(AMD64));
    assertEquals(Sha256.hash(bytes), resolved.images().get(0).image().digest());
  }

  @Test
  void configWithOtherBytesThanItsDigestIsRefused() {
    byte[] bytes = manifest("").getBytes(StandardCharsets.UTF_8);
    fake.put("/v2/img/manifests/v1", FakeRegistry.Reply.ok(MediaType.OCI_MANIFEST.toString(), bytes));
    byte[] tampered = config.clone();
    tampered[tampered.length - 2] = ' ';
    fake.put("/v2/img/blobs/" + Sha256.hash(config), FakeRegistry.Reply.ok("application/octet-stream", tampered));
    RegistryException e = refused(ref(":v1"));
    assertTrue(e.getMessage().contains(Sha256.hash(config).toString()), e.getMessage());
  }

  @Test
  void transientFailuresAreRetriedAndPersistentOnesAreOneLineErrors() {
    byte[] bytes = manifest("").getBytes(StandardCharsets.UTF_8);
    byte[] empty = new byte[0];
    fake.put("/v2/img/manifests/v1", FakeRegistry.Reply.ok(MediaType.OCI_MANIFEST.toString(), bytes));
    fake.putFirst("/v2/img/manifests/v1", new FakeRegistry.Reply(503, "text/plain", empty, Map.of()),
        new FakeRegistry.Reply(429, "text/plain", empty, Map.of()));
    assertEquals(Sha256.hash(bytes), registry.resolve(ref(":v1"), List.of(AMD64)).root().digest());

    fake.put("/v2/img/manifests/busy", new FakeRegistry.Reply(429, "application/json",
        "{\"errors\":[{\"code\":\"TOOMANYREQUESTS\",\"message\":\"slow down\"}]}".getBytes(StandardCharsets.UTF_8), Map.of()));
    RegistryException e = refused(ref(":busy"));
    assertTrue(e.getMessage().contains("429") && e.getMessage().contains(ref(":busy").toString()) && e.getMessage().contains("TOOMANYREQUESTS"),
        e.getMessage());
  }

  @Test
  void oversizedManifestIsRefusedWithoutReadingItAll() {
    byte[] huge = new byte[ManifestClient.MAX_MANIFEST_BYTES + 10];
    java.util.Arrays.fill(huge, (byte) ' ');
    fake.put("/v2/img/manifests/big", FakeRegistry.Reply.ok(MediaType.OCI_MANIFEST.toString(), huge));
    dev.sealbuild.prep.http.TransportException e = assertThrows(dev.sealbuild.prep.http.TransportException.class,
        () -> registry.resolve(ref(":big"), List.of(AMD64)));
    assertTrue(e.getMessage().contains("for image " + ref(":big") + ": the response is larger than the limit of "
        + ManifestClient.MAX_MANIFEST_BYTES + " bytes"), e.getMessage());
  }
}

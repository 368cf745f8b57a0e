package dev.sealbuild.prep.registry;

import dev.sealbuild.formats.oci.Descriptor;
import dev.sealbuild.formats.oci.MediaType;
import dev.sealbuild.formats.oci.Platform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealbuild.prep.http.TransportFixtures;
import dev.sealbuild.testsupport.registry.LocalRegistry;
import dev.sealbuild.testsupport.registry.TestImages;
import dev.sealbuild.formats.digest.Sha256;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Resolves and pulls images that skopeo pushed to a real docker-registry on loopback. */
class LocalRegistryResolveTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Platform AMD64 = Platform.parse("linux/amd64");
  private static final Platform ARM64 = Platform.parse("linux/arm64");

  @TempDir
  static Path dir;
  static LocalRegistry registry;
  static TestImages images;
  static RemoteRegistry client;

  @BeforeAll
  static void startAndSeed() throws Exception {
    LocalRegistry.requireTools();
    images = TestImages.write(dir.resolve("layout"));
    registry = LocalRegistry.start(dir, null);
    registry.push(images.source("amd64"), "alpine:single", false, null);
    registry.push(images.source("multi"), "alpine:multi", true, null);
    client = new RemoteRegistry(new RegistrySettings(Set.of(), Map.of()), TransportFixtures.transport(2));
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  private ImageReference ref(String repoAndTag) {
    return ImageReference.parse(registry.host() + "/" + repoAndTag);
  }

  @Test
  void singleManifestTagPinsTheDigestSkopeoSees() throws Exception {
    byte[] raw = registry.rawManifest("alpine:single", null);
    ResolvedImage resolved = client.resolve(ref("alpine:single"), List.of(AMD64));

    assertEquals(Sha256.hash(raw), resolved.root().digest());
    assertArrayEquals(raw, resolved.rootBytes());
    assertEquals(MediaType.OCI_MANIFEST.toString(), resolved.root().mediaType());
    assertFalse(resolved.isIndex());
    assertEquals(1, resolved.images().size());
    PlatformImage image = resolved.images().get(0);
    assertEquals(AMD64, image.platform());
    assertEquals(resolved.root(), image.manifest());
    assertEquals(Sha256.hash(images.amd64Layer), image.layers().get(0).digest());
    assertEquals(images.amd64Layer.length, image.layers().get(0).size());
    assertEquals(Sha256.hash(image.configBytes()), image.config().digest());
    assertEquals(resolved.root().digest(), resolved.pinned().digest());
  }

  @Test
  void emptyPlatformListTakesASingleManifestsOwnPlatform() {
    ResolvedImage resolved = client.resolve(ref("alpine:single"), List.of());
    assertEquals(AMD64, resolved.images().get(0).platform());
  }

  @Test
  void indexPinsOneManifestPerRequestedPlatform() throws Exception {
    byte[] raw = registry.rawManifest("alpine:multi", null);
    ResolvedImage resolved = client.resolve(ref("alpine:multi"), List.of(ARM64, AMD64));

    assertEquals(Sha256.hash(raw), resolved.root().digest());
    assertTrue(resolved.isIndex());
    JsonNode index = JSON.readTree(raw);
    assertEquals(List.of("linux/arm64/v8", "linux/amd64"), resolved.images().stream().map(i -> i.platform().toString()).toList());
    for (PlatformImage image : resolved.images()) {
      String arch = image.platform().architecture();
      JsonNode entry = null;
      for (JsonNode e : index.get("manifests")) {
        if (e.path("platform").path("architecture").asText().equals(arch)) {
          entry = e;
        }
      }
      assertEquals(entry.get("digest").asText(), image.manifest().digest().toString());
      assertEquals(Sha256.hash(image.manifestBytes()), image.manifest().digest());
      byte[] layer = arch.equals("amd64") ? images.amd64Layer : images.arm64Layer;
      assertEquals(Sha256.hash(layer), image.layers().get(0).digest());
      assertEquals(arch, JSON.readTree(image.configBytes()).get("architecture").asText());
    }
  }

  @Test
  void resolvingByDigestGivesTheSameImage() {
    ResolvedImage byTag = client.resolve(ref("alpine:multi"), List.of(AMD64));
    ResolvedImage byDigest = client.resolve(ref("alpine@" + byTag.root().digest()), List.of(AMD64));
    assertEquals(byTag.root(), byDigest.root());
    assertEquals(byTag.images().get(0).manifest(), byDigest.images().get(0).manifest());
  }

  @Test
  void missingPlatformErrorListsTheAvailableOnes() {
    RegistryException fromIndex = assertThrows(RegistryException.class,
        () -> client.resolve(ref("alpine:multi"), List.of(Platform.parse("linux/s390x"))));
    assertTrue(fromIndex.getMessage().contains("linux/s390x"), fromIndex.getMessage());
    assertTrue(fromIndex.getMessage().contains("linux/amd64") && fromIndex.getMessage().contains("linux/arm64/v8"), fromIndex.getMessage());

    RegistryException fromSingle = assertThrows(RegistryException.class,
        () -> client.resolve(ref("alpine:single"), List.of(ARM64)));
    assertTrue(fromSingle.getMessage().contains("linux/arm64") && fromSingle.getMessage().contains("it has linux/amd64"), fromSingle.getMessage());
    assertFalse(fromSingle.getMessage().contains("\n"));
  }

  @Test
  void unknownTagAndRepositoryAreOneLine404sNamingTheReference() {
    for (String missing : List.of("alpine:nope", "nothing/here:latest")) {
      ImageReference reference = ref(missing);
      RegistryException e = assertThrows(RegistryException.class, () -> client.resolve(reference, List.of(AMD64)));
      assertTrue(e.getMessage().contains("404") && e.getMessage().contains(reference.toString()), e.getMessage());
      assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
  }

  @Test
  void fetchedBlobsMatchTheirDigests() {
    PlatformImage image = client.resolve(ref("alpine:multi"), List.of(ARM64)).images().get(0);
    Descriptor layer = image.layers().get(0);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    client.fetchBlob(ref("alpine:multi"), layer.digest(), layer.size(), out);
    assertArrayEquals(images.arm64Layer, out.toByteArray());
  }

  @Test
  void blobWithAWrongSizeOrDigestIsRefused() {
    PlatformImage image = client.resolve(ref("alpine:single"), List.of(AMD64)).images().get(0);
    Descriptor layer = image.layers().get(0);
    RegistryException tooShortExpected = assertThrows(RegistryException.class,
        () -> client.fetchBlob(ref("alpine:single"), layer.digest(), layer.size() - 1, new ByteArrayOutputStream()));
    assertTrue(tooShortExpected.getMessage().contains("longer than its declared"), tooShortExpected.getMessage());
    RegistryException tooLongExpected = assertThrows(RegistryException.class,
        () -> client.fetchBlob(ref("alpine:single"), layer.digest(), layer.size() + 1, new ByteArrayOutputStream()));
    assertTrue(tooLongExpected.getMessage().contains("descriptor says"), tooLongExpected.getMessage());
    Sha256 absent = Sha256.hash(new byte[] {1, 2, 3});
    RegistryException unknown = assertThrows(RegistryException.class,
        () -> client.fetchBlob(ref("alpine:single"), absent, 3, new ByteArrayOutputStream()));
    assertTrue(unknown.getMessage().contains(absent.toString()), unknown.getMessage());
    assertFalse(unknown.getMessage().contains("\n"), unknown.getMessage());
  }
}

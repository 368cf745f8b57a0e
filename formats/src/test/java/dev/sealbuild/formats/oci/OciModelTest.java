package dev.sealbuild.formats.oci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.formats.UserError;
import dev.sealbuild.formats.compress.Compression;
import dev.sealbuild.formats.digest.Sha256;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OciModelTest {
  private static final Sha256 CONFIG = Sha256.ofHex("a".repeat(64));
  private static final Sha256 LAYER = Sha256.ofHex("b".repeat(64));

  private static final String MANIFEST_TEXT = "{\"annotations\":{\"org.opencontainers.image.base.name\":\"alpine:3.20\"},"
      + "\"config\":{\"digest\":\"sha256:" + "a".repeat(64) + "\",\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"size\":7},"
      + "\"layers\":[{\"digest\":\"sha256:" + "b".repeat(64) + "\",\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"size\":32}],"
      + "\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"schemaVersion\":2}";

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static Manifest manifest() {
    return Manifest.image(Descriptor.of(MediaType.OCI_CONFIG, CONFIG, 7),
        List.of(Descriptor.of(MediaType.OCI_LAYER_GZIP, LAYER, 32)),
        Map.of("org.opencontainers.image.base.name", "alpine:3.20"));
  }

  @Test
  void aManifestIsWrittenAsCanonicalBytesWithAKnownDigest() {
    assertEquals(MANIFEST_TEXT, new String(manifest().toBytes(), StandardCharsets.UTF_8));
    // sha256 of the bytes above, as `printf '%s' "$MANIFEST_TEXT" | sha256sum` prints it
    assertEquals("sha256:4327867148074e56e44140492e96390f40747f3bddb1dc5723c08cc0e6366f16",
        Sha256.hash(manifest().toBytes()).toString());
  }

  @Test
  void aManifestRoundTrips() {
    OciDocument parsed = OciDocument.parse(bytes(MANIFEST_TEXT), null, "manifest");
    assertEquals(manifest(), parsed);
    assertArrayEquals(bytes(MANIFEST_TEXT), parsed.toBytes());
  }

  @Test
  void anIndexWithPlatformsAndAReferrerRoundTrips() {
    Descriptor image = Descriptor.of(MediaType.OCI_MANIFEST, CONFIG, 500).withPlatform(Platform.parse("linux/arm64/v8"));
    Descriptor sbom = Descriptor.of(MediaType.OCI_MANIFEST, LAYER, 400).withArtifactType("application/spdx+json");
    Index index = Index.of(List.of(image, sbom));
    Index parsed = OciDocument.parseIndex(index.toBytes(), MediaType.OCI_INDEX.toString(), "index");
    assertEquals(index, parsed);
    assertEquals(Platform.parse("linux/arm64/v8"), parsed.manifests().get(0).platform());
    assertEquals("application/spdx+json", parsed.manifests().get(1).artifactType());
    assertTrue(new String(index.toBytes(), StandardCharsets.UTF_8).contains(
        "\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\",\"variant\":\"v8\"}"));
  }

  @Test
  void anArtifactManifestKeepsItsForeignLayerType() {
    Manifest artifact = new Manifest(MediaType.OCI_MANIFEST, "application/vnd.cyclonedx+json",
        Descriptor.of(MediaType.OCI_EMPTY, CONFIG, 2), List.of(Descriptor.of("application/vnd.cyclonedx+json", LAYER, 9)),
        Descriptor.of(MediaType.OCI_MANIFEST, CONFIG, 100), Map.of());
    Manifest parsed = OciDocument.parseManifest(artifact.toBytes(), null, "artifact");
    assertEquals(artifact, parsed);
    assertFalse(parsed.layers().get(0).knownType().isPresent());
  }

  @Test
  void aDockerManifestListIsAnIndex() {
    String list = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.list.v2+json\","
        + "\"manifests\":[{\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\",\"digest\":\"sha256:"
        + "c".repeat(64) + "\",\"size\":1,\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}]}";
    Index index = OciDocument.parseIndex(bytes(list), null, "list");
    assertTrue(index.mediaType().isIndex());
    assertEquals(Platform.LINUX_AMD64, index.manifests().get(0).platform());
    assertTrue(index.manifests().get(0).type().isManifest());
  }

  @Test
  void aConfigRoundTripsWithTheKeysItDoesNotName() {
    String text = "{\"architecture\":\"amd64\",\"author\":\"someone\",\"config\":{\"Env\":[\"A=1\"],\"Healthcheck\":{\"Test\":[\"NONE\"]}},"
        + "\"created\":\"1970-01-01T00:00:00Z\",\"history\":[{\"created_by\":\"x\",\"empty_layer\":true}],\"os\":\"linux\","
        + "\"rootfs\":{\"diff_ids\":[\"sha256:" + "d".repeat(64) + "\"],\"type\":\"layers\"}}";
    ImageConfig config = ImageConfig.parse(bytes(text), "config");
    assertEquals(Platform.LINUX_AMD64, config.platform());
    assertEquals(List.of(Sha256.ofHex("d".repeat(64))), config.diffIds());
    assertEquals("someone", config.other().get("author").asText());
    assertTrue(config.history().get(0).emptyLayer());
    assertEquals("{\"Test\":[\"NONE\"]}", config.config().get("Healthcheck").toString());
    assertArrayEquals(bytes(text), config.toBytes());
  }

  @Test
  void theLayoutFilesAreTheStandardOnes() {
    assertEquals("{\"imageLayoutVersion\":\"1.0.0\"}", new String(OciLayout.layoutFile(), StandardCharsets.UTF_8));
    OciLayout.checkLayoutFile(OciLayout.layoutFile(), "oci-layout");
    Descriptor root = Descriptor.of(MediaType.OCI_MANIFEST, CONFIG, 5).withAnnotations(Map.of(OciLayout.REF_NAME, "v1"));
    assertEquals(List.of(root), OciLayout.readIndex(OciLayout.indexJson(List.of(root)), "index.json").manifests());
  }

  @Test
  void mediaTypesKnowTheirKindAndCompression() {
    assertEquals(Compression.GZIP, MediaType.parse("application/vnd.docker.image.rootfs.diff.tar.gzip").compression());
    assertEquals(Compression.ZSTD, MediaType.OCI_LAYER_ZSTD.compression());
    assertEquals(Compression.NONE, MediaType.DOCKER_LAYER.compression());
    assertTrue(MediaType.DOCKER_MANIFEST_LIST.isIndex());
    assertTrue(MediaType.DOCKER_MANIFEST.isManifest());
    assertFalse(MediaType.OCI_INDEX.isManifest());
    assertThrows(OciFormatException.class, MediaType.OCI_CONFIG::compression);
  }

  @Test
  void platformsParseOneWay() {
    assertEquals(new Platform("linux", "arm", "v7"), Platform.parse("linux/arm/v7"));
    assertTrue(Platform.parse("linux/arm64").matches(Platform.parse("linux/arm64/v8")));
    assertFalse(Platform.parse("linux/arm/v7").matches(Platform.parse("linux/arm/v6")));
    assertEquals("linux/amd64", Platform.LINUX_AMD64.toString());
    oneLine(() -> Platform.parse("amd64"), "platform 'amd64' does not parse");
    oneLine(() -> Platform.parse("Linux/AMD64"), "platform 'Linux/AMD64' does not parse");
  }

  @Test
  void badInputIsOneLineNamingTheCulprit() {
    oneLine(() -> MediaType.parse("application/x-tar"), "unsupported media type 'application/x-tar'");
    oneLine(() -> Platform.parse("linux/amd64 x\n(,"), "platform 'linux/amd64 x\\u000a(,' does not parse");
    oneLine(() -> OciDocument.parse(bytes(MANIFEST_TEXT.replace("sha256:" + "b".repeat(64), "sha256:beef")), null, "m.json"),
        "m.json layers[0] has digest 'sha256:beef', which is not sha256:<64 hex>");
    oneLine(() -> OciDocument.parse(bytes(MANIFEST_TEXT.replace("sha256:" + "b".repeat(64), "sha256:\\n\\u001b[2J")), null, "m.json"),
        "m.json layers[0] has digest 'sha256:\\u000a\\u001b[2J', which is not");
    oneLine(() -> OciDocument.parse(bytes("{\"schemaVersion\":2,\"manifests\":[],\"layers\":[]}"), null, "both.json"),
        "both.json has both 'manifests' and 'layers'/'config'");
    oneLine(() -> OciDocument.parse(bytes(MANIFEST_TEXT), MediaType.OCI_INDEX.toString(), "m.json"),
        "m.json says mediaType application/vnd.oci.image.manifest.v1+json but was served/described as");
    oneLine(() -> OciDocument.parse(bytes(MANIFEST_TEXT.replace("oci.image.manifest.v1", "oci.image.weird.v1")), null, "w.json"),
        "w.json has unsupported media type application/vnd.oci.image.weird.v1+json");
    oneLine(() -> OciDocument.parse(bytes("{\"schemaVersion\":1}"), null, "old.json"), "old.json has schemaVersion 1");
    oneLine(() -> OciDocument.parse(bytes("{\"schemaVersion\":2,"), null, "cut.json"), "cut.json is not valid JSON");
    oneLine(() -> ImageConfig.parse(bytes("{\"os\":\"linux\"}"), "c.json"), "c.json does not name a usable os and architecture");
    oneLine(() -> OciDocument.parse(new byte[OciJson.MAX_DOCUMENT_BYTES + 1], null, "huge.json"), "huge.json is ");
  }

  private static void oneLine(org.junit.jupiter.api.function.Executable call, String start) {
    UserError e = assertThrows(UserError.class, call);
    assertTrue(e.getMessage().startsWith(start), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }

  @Test
  void aDockerArchiveManifestRoundTripsAsDockerSaveWritesIt() {
    DockerArchiveManifest image = new DockerArchiveManifest("abc.json", List.of("app:latest"), List.of("l1.tar", "l2.tar"));
    byte[] bytes = DockerArchiveManifest.toBytes(List.of(image));
    assertEquals("[{\"Config\":\"abc.json\",\"Layers\":[\"l1.tar\",\"l2.tar\"],\"RepoTags\":[\"app:latest\"]}]",
        new String(bytes, StandardCharsets.UTF_8));
    assertEquals(List.of(image), DockerArchiveManifest.parse(bytes, "manifest.json"));
    oneLine(() -> DockerArchiveManifest.parse(bytes("[{\"Layers\":[1]}]"), "manifest.json"), "manifest.json[0] has no 'Config'");
  }

  @Test
  void aDescriptorWithoutPlatformHasNone() {
    Descriptor d = Descriptor.fromJson(Descriptor.of(MediaType.OCI_CONFIG, CONFIG, 1).toJson(), "d");
    assertNull(d.platform());
    assertInstanceOf(MediaType.class, d.type());
  }
}

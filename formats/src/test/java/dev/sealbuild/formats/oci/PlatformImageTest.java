package dev.sealbuild.formats.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.formats.digest.Sha256;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlatformImageTest {
  private static final Sha256 CONFIG = Sha256.ofHex("a".repeat(64));
  private static final Sha256 LAYER = Sha256.ofHex("b".repeat(64));
  private static final Sha256 DIFF_ID = Sha256.ofHex("c".repeat(64));
  private static final Platform ARM64 = Platform.parse("linux/arm64/v8");

  private static Manifest manifest(Map<String, String> annotations) {
    return Manifest.image(Descriptor.of(MediaType.OCI_CONFIG, CONFIG, 7),
        List.of(Descriptor.of(MediaType.OCI_LAYER_GZIP, LAYER, 32)), annotations);
  }

  private static ImageConfig config() {
    return new ImageConfig(null, ARM64, null, List.of(DIFF_ID), List.of(), null);
  }

  private static Descriptor descriptorOf(Manifest manifest) {
    byte[] bytes = manifest.toBytes();
    return Descriptor.of(manifest.mediaType(), Sha256.hash(bytes), bytes.length).withPlatform(ARM64);
  }

  @Test
  void layersComeFromTheManifestAndDiffIdsFromTheConfig() {
    Manifest manifest = manifest(Map.of());
    PlatformImage image = new PlatformImage(ARM64, descriptorOf(manifest), manifest, config());

    assertEquals(Sha256.hash(manifest.toBytes()), image.digest());
    assertEquals(CONFIG, image.configDescriptor().digest());
    assertEquals(List.of(LAYER), image.layers().stream().map(Descriptor::digest).toList());
    assertEquals(List.of(DIFF_ID), image.diffIds());
    assertNull(image.baseDigest());
  }

  @Test
  void theBaseDigestIsTheManifestsOciAnnotation() {
    String base = "sha256:" + "d".repeat(64);
    Manifest manifest = manifest(Map.of(PlatformImage.BASE_NAME, "alpine:3.20", PlatformImage.BASE_DIGEST, base));
    assertEquals(base, new PlatformImage(ARM64, descriptorOf(manifest), manifest, config()).baseDigest());
  }

  @Test
  void aDescriptorOfAnotherMediaTypeThanTheManifestIsRefused() {
    Manifest manifest = manifest(Map.of());
    Descriptor docker = Descriptor.of(MediaType.DOCKER_MANIFEST, Sha256.hash(manifest.toBytes()), 10);
    OciFormatException e = assertThrows(OciFormatException.class,
        () -> new PlatformImage(ARM64, docker, manifest, config()));
    assertTrue(e.getMessage().contains(MediaType.DOCKER_MANIFEST.toString()), e.getMessage());
  }
}

package dev.sealbuild.prep.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.formats.digest.Sha256;
import org.junit.jupiter.api.Test;

class ImageReferenceTest {
  private static final String HEX = "a".repeat(64);

  @Test
  void dockerHubDefaultsApplyLikeDocker() {
    assertEquals("registry-1.docker.io/library/alpine:latest", ImageReference.parse("alpine").toString());
    assertEquals("registry-1.docker.io/library/alpine:3.20", ImageReference.parse("docker.io/alpine:3.20").toString());
    assertEquals("registry-1.docker.io/library/debian:12", ImageReference.parse("docker.io/library/debian:12").toString());
    assertEquals("registry-1.docker.io/bitnami/redis:7", ImageReference.parse("bitnami/redis:7").toString());
  }

  @Test
  void hostPortRepositoryTagAndDigestAreSeparated() {
    ImageReference both = ImageReference.parse("127.0.0.1:5000/team/app:v1@sha256:" + HEX);
    assertEquals("127.0.0.1:5000", both.registry());
    assertEquals("team/app", both.repository());
    assertEquals("v1", both.tag());
    assertEquals(Sha256.ofHex(HEX), both.digest());
    assertEquals("sha256:" + HEX, both.qualifier());

    ImageReference digestOnly = ImageReference.parse("ghcr.io/owner/tool@sha256:" + HEX);
    assertEquals("ghcr.io", digestOnly.registry());
    assertNull(digestOnly.tag());
    assertEquals("ghcr.io/owner/tool@sha256:" + HEX, digestOnly.toString());

    ImageReference localhost = ImageReference.parse("localhost/app");
    assertEquals("localhost", localhost.registry());
    assertEquals("latest", localhost.qualifier());
  }

  @Test
  void referencesThatDoNotParseGiveOneLineErrorsNamingThem() {
    for (String bad : new String[] {"Alpine:UPPER/x", "alpine@sha256:abc", "alpine@md5:" + HEX, "alpine:bad tag", "", "alpine@sha256:" + HEX.toUpperCase(), "scratch"}) {
      RegistryException e = assertThrows(RegistryException.class, () -> ImageReference.parse(bad), bad);
      assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
      assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
  }

  @Test
  void platformsParseAndMatchIgnoringAnUnrequestedVariant() {
    Platform arm64 = Platform.parse("linux/arm64");
    assertTrue(arm64.matches(Platform.parse("linux/arm64/v8")));
    assertFalse(Platform.parse("linux/arm/v7").matches(Platform.parse("linux/arm/v6")));
    assertFalse(arm64.matches(Platform.parse("linux/amd64")));
    assertEquals("linux/arm/v7", Platform.parse("linux/arm/v7").toString());
    assertThrows(RegistryException.class, () -> Platform.parse("linux"));
    assertThrows(RegistryException.class, () -> Platform.parse("linux/amd64/v1/x"));
  }

  @Test
  void plainHttpOnlyForLoopbackAndListedHosts() {
    RegistrySettings settings = new RegistrySettings(java.util.Set.of("mirror.internal:5000"), java.util.Map.of(), 1);
    assertTrue(settings.allowsPlainHttp("127.0.0.1:5000"));
    assertTrue(settings.allowsPlainHttp("localhost"));
    assertTrue(settings.allowsPlainHttp("[::1]:5000"));
    assertTrue(settings.allowsPlainHttp("mirror.internal:5000"));
    assertFalse(settings.allowsPlainHttp("mirror.internal:6000"));
    assertFalse(settings.allowsPlainHttp("127.0.0.1.example.com"));
    assertFalse(settings.allowsPlainHttp("registry-1.docker.io"));
  }
}

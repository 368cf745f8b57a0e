package dev.sealbuild.prep.registry;

import dev.sealbuild.formats.oci.Descriptor;
import dev.sealbuild.formats.oci.Platform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.prep.http.TransportFixtures;
import dev.sealbuild.testsupport.registry.LocalRegistry;
import dev.sealbuild.testsupport.registry.TestImages;
import dev.sealbuild.formats.digest.Sha256;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A docker-registry behind htpasswd (Basic) auth: credentials come from a docker config file in DOCKER_CONFIG. */
class AuthenticatedRegistryTest {
  private static final String USER = "sealbuild";
  private static final String PASSWORD = "s3cret-" + Long.toHexString(new SecureRandom().nextLong());

  @TempDir
  Path dir;

  @Test
  void credentialsFromDockerConfigAuthsWorkAndTheirAbsenceIsAOneLine401() throws Exception {
    LocalRegistry.requireTools();
    TestImages images = TestImages.write(dir.resolve("layout"));
    byte[] salt = new byte[16];
    new SecureRandom().nextBytes(salt);
    Path htpasswd = dir.resolve("htpasswd");
    Files.writeString(htpasswd, USER + ":" + OpenBSDBCrypt.generate("2y", PASSWORD.toCharArray(), salt, 6) + "\n");
    LocalRegistry registry = LocalRegistry.start(dir, htpasswd);
    try {
      registry.push(images.source("amd64"), "private/alpine:1", false, USER + ":" + PASSWORD);
      byte[] raw = registry.rawManifest("private/alpine:1", USER + ":" + PASSWORD);
      ImageReference reference = ImageReference.parse(registry.host() + "/private/alpine:1");

      Path dockerConfig = Files.createDirectories(dir.resolve("docker"));
      String auth = Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
      Files.writeString(dockerConfig.resolve("config.json"),
          "{\"auths\": {\"" + registry.host() + "\": {\"auth\": \"" + auth + "\"}}}");
      try (RemoteRegistry withCredentials = new RemoteRegistry(new RegistrySettings(Set.of(),
          Map.of("DOCKER_CONFIG", dockerConfig.toString(), "HOME", dir.resolve("no-home").toString())), TransportFixtures.transport(1))) {
        ResolvedImage resolved = withCredentials.resolve(reference, List.of(Platform.parse("linux/amd64")));
        assertEquals(Sha256.hash(raw), resolved.root().digest());
        Descriptor layer = resolved.images().get(0).layers().get(0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        withCredentials.fetchBlob(reference, layer.digest(), layer.size(), out);
        assertArrayEquals(images.amd64Layer, out.toByteArray());
      }

      try (RemoteRegistry anonymous = new RemoteRegistry(new RegistrySettings(Set.of(),
          Map.of("HOME", dir.resolve("no-home").toString())), TransportFixtures.transport(1))) {
        RegistryException e = assertThrows(RegistryException.class, () -> anonymous.resolve(reference, List.of()));
        assertTrue(e.getMessage().contains("401") && e.getMessage().contains(reference.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("no credentials"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        Sha256 layer = Sha256.hash(images.amd64Layer);
        RegistryException blob = assertThrows(RegistryException.class,
            () -> anonymous.fetchBlob(reference, layer, images.amd64Layer.length, new ByteArrayOutputStream()));
        assertTrue(blob.getMessage().contains(layer.toString()), blob.getMessage());
        assertFalse(blob.getMessage().contains("\n"), blob.getMessage());
      }

      Path wrong = Files.createDirectories(dir.resolve("wrong"));
      Files.writeString(wrong.resolve("config.json"), "{\"auths\": {\"" + registry.host() + "\": {\"auth\": \""
          + Base64.getEncoder().encodeToString((USER + ":nope").getBytes(StandardCharsets.UTF_8)) + "\"}}}");
      try (RemoteRegistry wrongPassword = new RemoteRegistry(new RegistrySettings(Set.of(), Map.of("DOCKER_CONFIG", wrong.toString())), TransportFixtures.transport(1))) {
        RegistryException e = assertThrows(RegistryException.class, () -> wrongPassword.resolve(reference, List.of()));
        assertTrue(e.getMessage().contains("401") && e.getMessage().contains("check the credentials"), e.getMessage());
      }
    } finally {
      registry.close();
    }
  }
}

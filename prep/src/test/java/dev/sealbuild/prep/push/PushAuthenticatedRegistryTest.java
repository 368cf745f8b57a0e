package dev.sealbuild.prep.push;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sealbuild.prep.http.TransportFixtures;
import dev.sealbuild.testsupport.registry.LocalRegistry;
import dev.sealbuild.prep.registry.RegistryException;
import dev.sealbuild.prep.registry.RegistryPusher;
import dev.sealbuild.prep.registry.RegistrySettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pushing to a docker-registry behind htpasswd (Basic) auth, with credentials from a docker config file. */
class PushAuthenticatedRegistryTest {
  private static final String USER = "pusher";
  private static final String PASSWORD = "s3cret-" + Long.toHexString(new SecureRandom().nextLong());

  @TempDir
  Path dir;

  private PushResult push(TestLayout layout, String destination, Map<String, String> environment) {
    try (OciLayoutReader reader = OciLayoutReader.directory(layout.dir);
        RegistryPusher pusher = new RegistryPusher(new RegistrySettings(Set.of(), environment), TransportFixtures.transport(1))) {
      return new ImagePusher(pusher, PushListener.NONE).push(PushPlan.of(reader, null), PushDestination.parse(destination));
    }
  }

  @Test
  void credentialsFromDockerConfigPushAndTheirAbsenceIsAOneLine401NamingTheReference() throws Exception {
    LocalRegistry.requireTools();
    byte[] salt = new byte[16];
    new SecureRandom().nextBytes(salt);
    Path htpasswd = dir.resolve("htpasswd");
    Files.writeString(htpasswd, USER + ":" + OpenBSDBCrypt.generate("2y", PASSWORD.toCharArray(), salt, 6) + "\n");
    Path registryDir = Files.createDirectories(dir.resolve("registry"));
    try (LocalRegistry registry = LocalRegistry.start(registryDir, htpasswd)) {
      TestLayout layout = new TestLayout(dir.resolve("layout"));
      ObjectNode manifest = layout.image("amd64", Map.of(), TestLayout.layer("etc/secret", "private\n"));
      layout.indexJson(TestLayout.tagged(manifest, "1"));
      Path noHome = dir.resolve("no-home");

      String anonymousTarget = "docker://" + registry.host() + "/private/app:1";
      RegistryException anonymous = assertThrows(RegistryException.class,
          () -> push(layout, anonymousTarget, Map.of("HOME", noHome.toString())));
      assertTrue(anonymous.getMessage().contains(registry.host() + "/private/app:1"), anonymous.getMessage());
      assertTrue(anonymous.getMessage().contains("401") && anonymous.getMessage().contains("no credentials"), anonymous.getMessage());
      assertFalse(anonymous.getMessage().contains("\n"));
      assertThrows(IllegalStateException.class, () -> registry.rawManifest("private/app:1", USER + ":" + PASSWORD),
          "nothing was tagged");

      Path wrong = Files.createDirectories(dir.resolve("wrong"));
      Files.writeString(wrong.resolve("config.json"), "{\"auths\": {\"" + registry.host() + "\": {\"auth\": \""
          + Base64.getEncoder().encodeToString((USER + ":nope").getBytes(StandardCharsets.UTF_8)) + "\"}}}");
      RegistryException refused = assertThrows(RegistryException.class,
          () -> push(layout, anonymousTarget, Map.of("DOCKER_CONFIG", wrong.toString(), "HOME", noHome.toString())));
      assertTrue(refused.getMessage().contains("401") && refused.getMessage().contains(registry.host() + "/private/app:1"), refused.getMessage());

      Path docker = Files.createDirectories(dir.resolve("docker"));
      Files.writeString(docker.resolve("config.json"), "{\"auths\": {\"" + registry.host() + "\": {\"auth\": \""
          + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)) + "\"}}}");
      PushResult result = push(layout, anonymousTarget, Map.of("DOCKER_CONFIG", docker.toString(), "HOME", noHome.toString()));
      byte[] raw = registry.rawManifest("private/app:1", USER + ":" + PASSWORD);
      assertArrayEquals(layout.bytes(manifest), raw);
      assertEquals(TestLayout.digest(manifest), result.digest());
    }
  }
}

package dev.sealbuild.prep.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where credentials come from, with an injected environment pointing at temporary files only. */
class CredentialLookupTest {
  @TempDir
  Path dir;

  private Path authFile(String name, String registryKey, String user) throws Exception {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    String auth = Base64.getEncoder().encodeToString((user + ":pw-" + user).getBytes(StandardCharsets.UTF_8));
    Files.writeString(file, "{\"auths\":{\"" + registryKey + "\":{\"auth\":\"" + auth + "\"}}}");
    return file;
  }

  private Optional<String> userFor(Map<String, String> env, String registry) {
    return new CredentialLookup(env).find(registry, "team/app").map(CredentialLookup.UserPassword::user);
  }

  @Test
  void searchOrderIsRegistryAuthFileThenXdgRuntimeDirThenDockerConfigThenHome() throws Exception {
    Path explicit = authFile("explicit.json", "reg.example:5000", "explicit");
    authFile("run/containers/auth.json", "reg.example:5000", "podman");
    authFile("dockercfg/config.json", "reg.example:5000", "docker");
    authFile("home/.docker/config.json", "reg.example:5000", "home");
    String run = dir.resolve("run").toString();
    String docker = dir.resolve("dockercfg").toString();
    String home = dir.resolve("home").toString();

    assertEquals(Optional.of("explicit"), userFor(Map.of("REGISTRY_AUTH_FILE", explicit.toString(), "XDG_RUNTIME_DIR", run,
        "DOCKER_CONFIG", docker, "HOME", home), "reg.example:5000"));
    assertEquals(Optional.of("podman"), userFor(Map.of("XDG_RUNTIME_DIR", run, "DOCKER_CONFIG", docker, "HOME", home), "reg.example:5000"));
    assertEquals(Optional.of("docker"), userFor(Map.of("DOCKER_CONFIG", docker, "HOME", home), "reg.example:5000"));
    assertEquals(Optional.of("home"), userFor(Map.of("HOME", home), "reg.example:5000"));
    assertEquals(Optional.empty(), userFor(Map.of("HOME", home), "other.example"));
    assertEquals(Optional.empty(), userFor(Map.of(), "reg.example:5000"));
  }

  @Test
  void dockerHubCredentialsStoredUnderTheLegacyKeyAreFound() throws Exception {
    authFile("hub/config.json", "https://index.docker.io/v1/", "hubuser");
    Map<String, String> env = Map.of("DOCKER_CONFIG", dir.resolve("hub").toString());
    assertEquals(Optional.of("hubuser"), userFor(env, ImageReference.parse("alpine").registry()));
    CredentialLookup.UserPassword found = new CredentialLookup(env).find(ImageReference.DOCKER_HUB, "library/alpine").orElseThrow();
    assertEquals("pw-hubuser", found.password());
    assertFalse(found.toString().contains("pw-hubuser"));
  }

  @Test
  void anUnreadableAuthFileIsAOneLineErrorNamingIt() throws Exception {
    Path broken = dir.resolve("broken.json");
    Files.writeString(broken, "{\"auths\": [not json");
    RegistryException e = assertThrows(RegistryException.class,
        () -> new CredentialLookup(Map.of("REGISTRY_AUTH_FILE", broken.toString())).find("reg.example", "app"));
    assertTrue(e.getMessage().contains(broken.toString()), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }
}

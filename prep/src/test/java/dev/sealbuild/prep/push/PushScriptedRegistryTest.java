package dev.sealbuild.prep.push;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.prep.registry.BlobPush;
import dev.sealbuild.prep.registry.RegistryException;
import dev.sealbuild.prep.registry.RegistryPusher;
import dev.sealbuild.prep.registry.RegistrySettings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pushes to a small scripted registry on 127.0.0.1 for what docker-registry cannot show: the Bearer-token handshake
 * (Docker Hub, GHCR and most hosted registries work this way; the fake grants a push token only for the scope
 * {@code repository:NAME:pull,push} and mounts every blob), transient errors, and a registry that alters manifests.
 */
class PushScriptedRegistryTest {
  private static final String PUSH_TOKEN = "push-token";
  private static final String PULL_TOKEN = "pull-token";

  @TempDir
  Path dir;

  /** Records the scopes asked for; only a token covering push on team/app may write. */
  private static final class TokenRegistry implements AutoCloseable {
    final HttpServer server;
    final List<String> scopes = new CopyOnWriteArrayList<>();
    final List<String> writes = new CopyOnWriteArrayList<>();
    final Map<String, byte[]> manifests = new ConcurrentHashMap<>();
    final String basic;
    /** Manifest PUTs to answer with 503 before accepting one. */
    final java.util.concurrent.atomic.AtomicInteger unavailablePuts = new java.util.concurrent.atomic.AtomicInteger();
    /** Claim this digest in the PUT response instead of the real one. */
    volatile String claimedDigest;
    /** Serve these bytes for every manifest GET instead of what was stored. */
    volatile byte[] servedInstead;

    TokenRegistry(String user, String password) throws IOException {
      basic = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext("/", this::handle);
      server.start();
    }

    String host() {
      return "127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
      try (exchange) {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (path.equals("/token")) {
          List<String> asked = List.of(String.valueOf(exchange.getRequestURI().getRawQuery()).split("&")).stream()
              .filter(p -> p.startsWith("scope=")).map(p -> URLDecoder.decode(p.substring(6), StandardCharsets.UTF_8)).toList();
          scopes.addAll(asked);
          if (!basic.equals(authorization)) {
            reply(exchange, 401, "{}".getBytes(StandardCharsets.UTF_8), Map.of());
            return;
          }
          boolean push = asked.stream().anyMatch(s -> s.equals("repository:team/app:pull,push") || s.equals("repository:team/app:push,pull"));
          reply(exchange, 200, ("{\"token\":\"" + (push ? PUSH_TOKEN : PULL_TOKEN) + "\"}").getBytes(StandardCharsets.UTF_8), Map.of());
          return;
        }
        boolean write = method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
        boolean allowed = ("Bearer " + PUSH_TOKEN).equals(authorization) || (!write && ("Bearer " + PULL_TOKEN).equals(authorization));
        if (!allowed) {
          reply(exchange, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}".getBytes(StandardCharsets.UTF_8),
              Map.of("WWW-Authenticate", "Bearer realm=\"http://" + host() + "/token\",service=\"fake\",scope=\"repository:team/app:pull,push\""));
          return;
        }
        if (write) {
          writes.add(method + " " + exchange.getRequestURI());
        }
        if (path.equals("/v2/")) {
          reply(exchange, 200, "{}".getBytes(StandardCharsets.UTF_8), Map.of());
        } else if (path.startsWith("/v2/team/app/blobs/sha256:") && method.equals("HEAD")) {
          reply(exchange, 404, new byte[0], Map.of());
        } else if (path.equals("/v2/team/app/blobs/uploads/") && method.equals("POST")
            && String.valueOf(exchange.getRequestURI().getQuery()).contains("from=library/base")) {
          reply(exchange, 201, new byte[0], Map.of("Location", "/v2/team/app/blobs/mounted"));
        } else if (path.startsWith("/v2/team/app/manifests/") && method.equals("PUT")) {
          byte[] body = exchange.getRequestBody().readAllBytes();
          if (unavailablePuts.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            reply(exchange, 503, "{\"errors\":[{\"code\":\"UNAVAILABLE\"}]}".getBytes(StandardCharsets.UTF_8), Map.of());
            return;
          }
          String digest = Sha256.hash(body).toString();
          manifests.put(path.substring("/v2/team/app/manifests/".length()), body);
          manifests.put(digest, body);
          reply(exchange, 201, new byte[0], Map.of("Docker-Content-Digest", claimedDigest != null ? claimedDigest : digest));
        } else if (path.startsWith("/v2/team/app/manifests/") && method.equals("GET")) {
          byte[] body = servedInstead != null ? servedInstead : manifests.get(path.substring("/v2/team/app/manifests/".length()));
          if (body == null) {
            reply(exchange, 404, new byte[0], Map.of());
          } else {
            reply(exchange, 200, body, Map.of("Content-Type", "application/vnd.oci.image.manifest.v1+json",
                "Docker-Content-Digest", Sha256.hash(body).toString()));
          }
        } else {
          reply(exchange, 400, "{\"errors\":[{\"code\":\"UNSUPPORTED\"}]}".getBytes(StandardCharsets.UTF_8), Map.of());
        }
      }
    }

    private static void reply(HttpExchange exchange, int status, byte[] body, Map<String, String> headers) throws IOException {
      headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
      boolean head = exchange.getRequestMethod().equals("HEAD");
      exchange.sendResponseHeaders(status, body.length == 0 || head ? -1 : body.length);
      if (!head && body.length > 0) {
        exchange.getResponseBody().write(body);
      }
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  private TestLayout layout(TokenRegistry registry) throws IOException {
    TestLayout layout = new TestLayout(dir.resolve("layout"));
    ObjectNode manifest = layout.image("amd64", Map.of("org.opencontainers.image.base.name", registry.host() + "/library/base:1"),
        TestLayout.layer("etc/a", "a\n"));
    layout.indexJson(TestLayout.tagged(manifest, "v1"));
    return layout;
  }

  private PushResult push(TokenRegistry registry, TestLayout layout, int attempts, PushListener listener) throws IOException {
    Path docker = Files.createDirectories(dir.resolve("docker"));
    Files.writeString(docker.resolve("config.json"), "{\"auths\": {\"" + registry.host() + "\": {\"auth\": \""
        + Base64.getEncoder().encodeToString("robot:hunter2".getBytes(StandardCharsets.UTF_8)) + "\"}}}");
    try (OciLayoutReader reader = OciLayoutReader.directory(layout.dir);
        RegistryPusher pusher = new RegistryPusher(new RegistrySettings(Set.of(), Map.of("DOCKER_CONFIG", docker.toString()), attempts))) {
      return new ImagePusher(pusher, listener).push(PushPlan.of(reader, "v1"), PushDestination.parse("docker://" + registry.host() + "/team/app:v1"));
    }
  }

  @Test
  void transientRegistryErrorsAreRetriedAndLastingOnesNameTheReference() throws Exception {
    try (TokenRegistry registry = new TokenRegistry("robot", "hunter2")) {
      TestLayout layout = layout(registry);
      registry.unavailablePuts.set(1);
      PushResult result = push(registry, layout, 2, PushListener.NONE);
      assertEquals(2, registry.writes.stream().filter(w -> w.startsWith("PUT /v2/team/app/manifests/v1")).count(), registry.writes.toString());
      assertArrayEquals(layout.bytes(result.digest().toString()), registry.manifests.get("v1"));

      registry.manifests.clear();
      registry.unavailablePuts.set(5);
      RegistryException e = assertThrows(RegistryException.class, () -> push(registry, layout, 2, PushListener.NONE));
      assertTrue(e.getMessage().contains("503") && e.getMessage().contains(registry.host() + "/team/app:v1"), e.getMessage());
      assertTrue(registry.manifests.isEmpty());
    }
  }

  @Test
  void registryThatAltersTheManifestIsCaught() throws Exception {
    try (TokenRegistry registry = new TokenRegistry("robot", "hunter2")) {
      TestLayout layout = layout(registry);
      registry.claimedDigest = "sha256:" + "1".repeat(64);
      RegistryException claimed = assertThrows(RegistryException.class, () -> push(registry, layout, 1, PushListener.NONE));
      assertTrue(claimed.getMessage().contains(registry.claimedDigest) && claimed.getMessage().contains("changed the bytes"),
          claimed.getMessage());

      registry.claimedDigest = null;
      registry.servedInstead = "{\"schemaVersion\":2}".getBytes(StandardCharsets.UTF_8);
      PushException served = assertThrows(PushException.class, () -> push(registry, layout, 1, PushListener.NONE));
      assertTrue(served.getMessage().contains(Sha256.hash(registry.servedInstead).toString())
          && served.getMessage().contains(registry.host() + "/team/app:v1"), served.getMessage());
    }
  }

  @Test
  void pushAsksForPushScopeOnTheTargetAndPullScopeOnTheMountSource() throws Exception {
    try (TokenRegistry registry = new TokenRegistry("robot", "hunter2")) {
      TestLayout layout = layout(registry);
      RecordingListener listener = new RecordingListener();
      PushResult result = push(registry, layout, 1, listener);

      assertArrayEquals(layout.bytes(result.digest().toString()), registry.manifests.get("v1"));
      assertEquals(2, listener.count(BlobPush.MOUNTED), listener.events.toString());
      assertTrue(registry.scopes.contains("repository:team/app:pull,push"), registry.scopes.toString());
      assertTrue(registry.scopes.contains("repository:library/base:pull"), "the mount source is asked for: " + registry.scopes);
      assertEquals(List.of("PUT /v2/team/app/manifests/v1"), registry.writes.stream().filter(w -> w.startsWith("PUT")).toList());
    }
  }
}

package dev.sealbuild.prep.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scriptable registry on 127.0.0.1 serving whatever bytes a test puts at a path, optionally behind a Bearer
 * token handshake whose token endpoint wants Basic credentials.
 */
final class FakeRegistry implements AutoCloseable {
  record Reply(int status, String contentType, byte[] body, Map<String, String> headers) {
    static Reply ok(String contentType, byte[] body) {
      return new Reply(200, contentType, body, Map.of());
    }
  }

  static final String TOKEN = "fake-token-123";
  private final HttpServer server;
  private final Map<String, Reply> replies = new ConcurrentHashMap<>();
  private final Map<String, Deque<Reply>> firstReplies = new ConcurrentHashMap<>();
  final AtomicInteger requests = new AtomicInteger();
  private volatile String requiredBasic;
  private volatile boolean bearer;

  FakeRegistry() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  String host() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  /** Turns on Bearer auth; the token endpoint demands this {@code Authorization: Basic ...} value. */
  void requireBearer(String basicAuthorization) {
    this.bearer = true;
    this.requiredBasic = basicAuthorization;
  }

  void put(String path, Reply reply) {
    replies.put(path, reply);
  }

  /** Replies served once each, in order, before the steady reply at {@code path}. */
  void putFirst(String path, Reply... once) {
    firstReplies.put(path, new ArrayDeque<>(java.util.List.of(once)));
  }

  private void handle(HttpExchange exchange) throws IOException {
    requests.incrementAndGet();
    String path = exchange.getRequestURI().getPath();
    try (exchange) {
      if (path.equals("/token")) {
        String query = String.valueOf(exchange.getRequestURI().getQuery());
        boolean authorized = requiredBasic == null || requiredBasic.equals(exchange.getRequestHeaders().getFirst("Authorization"));
        if (!authorized || !query.contains("scope=repository")) {
          send(exchange, new Reply(401, "application/json", "{}".getBytes(StandardCharsets.UTF_8), Map.of()));
        } else {
          send(exchange, Reply.ok("application/json", ("{\"token\":\"" + TOKEN + "\"}").getBytes(StandardCharsets.UTF_8)));
        }
        return;
      }
      if (bearer && !("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
        send(exchange, new Reply(401, "application/json", "{\"errors\":[{\"code\":\"UNAUTHORIZED\"}]}".getBytes(StandardCharsets.UTF_8),
            Map.of("WWW-Authenticate", "Bearer realm=\"http://" + host() + "/token\",service=\"fake\"")));
        return;
      }
      if (path.equals("/v2/")) {
        send(exchange, Reply.ok("application/json", "{}".getBytes(StandardCharsets.UTF_8)));
        return;
      }
      Deque<Reply> once = firstReplies.get(path);
      Reply reply = once != null && !once.isEmpty() ? once.poll() : replies.get(path);
      if (reply == null) {
        reply = new Reply(404, "application/json",
            "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\"}]}".getBytes(StandardCharsets.UTF_8), Map.of());
      }
      send(exchange, reply);
    }
  }

  private static void send(HttpExchange exchange, Reply reply) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", reply.contentType());
    reply.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(reply.status(), head ? -1 : reply.body().length == 0 ? -1 : reply.body().length);
    if (!head) {
      exchange.getResponseBody().write(reply.body());
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}

package dev.sealbuild.prep.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** An HttpServer on 127.0.0.1 (random port) that counts requests per path and records request lines. */
public final class TestServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(16);
  private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
  private final List<String> requestLines = new CopyOnWriteArrayList<>();
  private final java.util.Set<InetSocketAddress> clients = ConcurrentHashMap.newKeySet();

  public TestServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.start();
  }

  /** Serves {@code handler} at exactly {@code path}; anything else under it is 404. */
  public TestServer route(String path, HttpHandler handler) {
    server.createContext(path, exchange -> {
      requestLines.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
      clients.add(exchange.getRemoteAddress());
      hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
      try {
        if (!exchange.getRequestURI().getPath().equals(path)) {
          exchange.sendResponseHeaders(404, -1);
          return;
        }
        handler.handle(exchange);
      } finally {
        exchange.close();
      }
    });
    return this;
  }

  public TestServer serve(String path, byte[] body) {
    return route(path, exchange -> respond(exchange, 200, body, "application/octet-stream"));
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port() + path);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public int requests(String path) {
    AtomicInteger count = hits.get(path);
    return count == null ? 0 : count.get();
  }

  public int totalRequests() {
    return hits.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  /** How many TCP connections requests came on (distinct client address and port). */
  public int connections() {
    return clients.size();
  }

  public List<String> requestLines() {
    return List.copyOf(requestLines);
  }

  public static void respond(HttpExchange exchange, int status, byte[] body, String contentType) throws IOException {
    if (contentType != null) {
      exchange.getResponseHeaders().set("Content-Type", contentType);
    }
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}

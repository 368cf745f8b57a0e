package dev.sealbuild.prep.debian;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP server on 127.0.0.1 that serves a real mirror's files, each fetched from upstream once and cached in a
 * directory, so a test class (and the reference apt-get next to it) downloads the big index only once and both see
 * the very same bytes. Tests can override a path with altered bytes, an HTML page or a status code.
 */
final class MirrorProxy implements AutoCloseable {

  /** A canned response. */
  record Canned(int status, String contentType, byte[] body) {
  }

  private final URI upstream;
  private final Path cache;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final HttpClient client = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(30))
      .followRedirects(HttpClient.Redirect.NORMAL)
      .build();
  private final Map<String, Canned> overrides = new ConcurrentHashMap<>();
  private final Map<String, Object> locks = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();

  MirrorProxy(URI upstream, Path cache) throws IOException {
    String text = upstream.toString();
    this.upstream = URI.create(text.endsWith("/") ? text : text + "/");
    this.cache = cache;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  URI base() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  void override(String path, Canned response) {
    overrides.put(path, response);
  }

  void clearOverrides() {
    overrides.clear();
  }

  int hits(String path) {
    return hits.getOrDefault(path, new AtomicInteger()).get();
  }

  /** The upstream bytes of a path (cached). */
  byte[] bytes(String path) throws IOException {
    return Files.readAllBytes(fetch(path));
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath().substring(1);
      hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
      Canned o = overrides.get(path);
      if (o != null) {
        exchange.getResponseHeaders().set("Content-Type", o.contentType());
        exchange.sendResponseHeaders(o.status(), o.body().length == 0 ? -1 : o.body().length);
        if (o.body().length > 0) {
          exchange.getResponseBody().write(o.body());
        }
        return;
      }
      Path file;
      try {
        file = fetch(path);
      } catch (NotFound e) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      boolean head = exchange.getRequestMethod().equals("HEAD");
      exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
      exchange.sendResponseHeaders(200, head ? -1 : Files.size(file));
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          Files.copy(file, out);
        }
      }
    }
  }

  private static final class NotFound extends IOException {
    private static final long serialVersionUID = 1L;

    NotFound(String path) {
      super(path);
    }
  }

  private Path fetch(String path) throws IOException {
    if (path.contains("..") || path.startsWith("/")) {
      throw new NotFound(path);
    }
    Path file = cache.resolve(path);
    synchronized (locks.computeIfAbsent(path, p -> new Object())) {
      if (Files.isRegularFile(file)) {
        return file;
      }
      HttpRequest request = HttpRequest.newBuilder(upstream.resolve(path)).timeout(Duration.ofMinutes(5)).build();
      HttpResponse<InputStream> response;
      try {
        response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
      try (InputStream body = response.body()) {
        if (response.statusCode() != 200) {
          throw new NotFound(path);
        }
        Files.createDirectories(file.getParent());
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        Files.copy(body, partial, StandardCopyOption.REPLACE_EXISTING);
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
      }
      return file;
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}

package dev.sealbuild.prep.debian;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.sealbuild.prep.debian.DebianMetadataException.Kind;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpMetadataSourceTest {
  private HttpServer server;
  private ExecutorService executor;
  private final CountDownLatch release = new CountDownLatch(1);

  @BeforeEach
  void start() throws Exception {
    executor = Executors.newCachedThreadPool();
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
    server.setExecutor(executor);
    server.createContext("/repo/ok", e -> {
      byte[] body = "data".getBytes(StandardCharsets.UTF_8);
      e.getResponseHeaders().set("Content-Type", "application/octet-stream");
      e.sendResponseHeaders(200, body.length);
      try (OutputStream out = e.getResponseBody()) {
        out.write(body);
      }
    });
    server.createContext("/repo/missing", e -> {
      e.sendResponseHeaders(404, -1);
      e.close();
    });
    server.createContext("/repo/broken", e -> {
      e.sendResponseHeaders(500, -1);
      e.close();
    });
    server.createContext("/repo/portal", e -> {
      byte[] body = "<html>login</html>".getBytes(StandardCharsets.UTF_8);
      e.getResponseHeaders().set("Content-Type", "text/html; charset=UTF-8");
      e.sendResponseHeaders(200, body.length);
      try (OutputStream out = e.getResponseBody()) {
        out.write(body);
      }
    });
    server.createContext("/repo/stall", e -> {
      e.sendResponseHeaders(200, 1_000_000);
      OutputStream out = e.getResponseBody();
      out.write(new byte[100]);
      out.flush();
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException ignored) {
        Thread.currentThread().interrupt();
      }
      e.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    release.countDown();
    server.stop(0);
    executor.shutdownNow();
  }

  private URI base() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/repo");
  }

  @Test
  void readsBytesAndDescribesUrls() throws Exception {
    HttpMetadataSource source = new HttpMetadataSource(base());
    try (InputStream in = source.open("ok")) {
      assertArrayEquals("data".getBytes(StandardCharsets.UTF_8), in.readAllBytes());
    }
    assertEquals(base() + "/dists/x/InRelease", source.describe("dists/x/InRelease"));
  }

  @Test
  void statusErrorsAndHtmlAreOneLineNamingTheUrl() {
    HttpMetadataSource source = new HttpMetadataSource(base());
    DebianMetadataException e = assertThrows(DebianMetadataException.class, () -> source.open("missing"));
    assertEquals(Kind.NOT_FOUND, e.kind());
    assertEquals("not found (HTTP 404): " + base() + "/missing", e.getMessage());
    e = assertThrows(DebianMetadataException.class, () -> source.open("broken"));
    assertEquals(Kind.TRANSFER_FAILED, e.kind());
    assertEquals("HTTP 500 from " + base() + "/broken", e.getMessage());
    e = assertThrows(DebianMetadataException.class, () -> source.open("portal"));
    assertEquals(Kind.HTML_INSTEAD_OF_DATA, e.kind());
    assertTrue(e.getMessage().contains(base() + "/portal"), e.getMessage());
  }

  @Test
  void aStalledBodyHitsTheDeadline() throws Exception {
    HttpMetadataSource source = new HttpMetadataSource(base(),
        new HttpMetadataSource.Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMillis(500)));
    long start = System.nanoTime();
    try (InputStream in = source.open("stall")) {
      DebianMetadataException e = assertThrows(DebianMetadataException.class, in::readAllBytes);
      assertEquals(Kind.TRANSFER_FAILED, e.kind());
      assertTrue(e.getMessage().contains("did not finish within") && e.getMessage().contains("/stall"),
          e.getMessage());
    }
    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "gave up promptly");
  }

  @Test
  void connectionFailuresNameTheUrl() throws Exception {
    int unused;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      unused = socket.getLocalPort();
    }
    HttpMetadataSource source = new HttpMetadataSource(URI.create("http://127.0.0.1:" + unused + "/debian"));
    DebianMetadataException e = assertThrows(DebianMetadataException.class, () -> source.open("dists/x/InRelease"));
    assertEquals(Kind.TRANSFER_FAILED, e.kind());
    assertTrue(e.getMessage().contains("http://127.0.0.1:" + unused + "/debian/dists/x/InRelease"), e.getMessage());
  }

  @Test
  void refusesUnsafePathsAndNonHttpBases() {
    HttpMetadataSource source = new HttpMetadataSource(base());
    assertThrows(IllegalArgumentException.class, () -> source.open("../etc/passwd"));
    assertThrows(IllegalArgumentException.class, () -> source.open("dists//x"));
    assertThrows(IllegalArgumentException.class, () -> new HttpMetadataSource(URI.create("file:///etc")));
  }
}

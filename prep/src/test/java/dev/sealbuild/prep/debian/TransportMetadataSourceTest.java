package dev.sealbuild.prep.debian;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.sealbuild.prep.debian.DebianMetadataException.Kind;
import dev.sealbuild.prep.http.TransportException;
import dev.sealbuild.prep.http.TransportFixtures;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class TransportMetadataSourceTest {
  private HttpServer server;
  private ExecutorService executor;

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
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
    executor.shutdownNow();
  }

  private URI base() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/repo");
  }

  private static TransportMetadataSource source(URI base) {
    return new TransportMetadataSource(TransportFixtures.transport(4), base, "repository 'debian'");
  }

  @Test
  void readsBytesAndDescribesUrls() throws Exception {
    TransportMetadataSource source = source(base());
    try (InputStream in = source.open("ok")) {
      assertArrayEquals("data".getBytes(StandardCharsets.UTF_8), in.readAllBytes());
    }
    assertEquals(base() + "/dists/x/InRelease", source.describe("dists/x/InRelease"));
  }

  @Test
  void aMissingFileIsNotFoundSoTheReaderCanFallBack() {
    DebianMetadataException e = assertThrows(DebianMetadataException.class, () -> source(base()).open("missing"));

    assertEquals(Kind.NOT_FOUND, e.kind());
    assertEquals("cannot fetch " + base() + "/missing for repository 'debian': HTTP 404 Not Found; check the URL,"
        + " or run build lock again if the file was pinned long ago", e.getMessage());
  }

  @Test
  void serverErrorsAreRetriedThenNamed() {
    TransportException e = assertThrows(TransportException.class, () -> source(base()).open("broken"));

    assertEquals("cannot fetch " + base() + "/broken for repository 'debian': HTTP 500 Internal Server Error"
        + " (tried 4 times); the server is failing: try again later or use another mirror", e.getMessage());
  }

  @Test
  void anHtmlPageIsRefused() {
    TransportException e = assertThrows(TransportException.class, () -> source(base()).open("portal"));

    assertEquals(TransportException.Failure.HTML_INSTEAD_OF_DATA, e.failure());
    assertTrue(e.getMessage().startsWith("cannot fetch " + base() + "/portal for repository 'debian': the server"
        + " sent an HTML page (Content-Type text/html; charset=UTF-8) instead of the file; "), e.getMessage());
  }

  @Test
  void aDeadMirrorSaysWhatHappenedInWords() throws Exception {
    int unused;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      unused = socket.getLocalPort();
    }
    TransportMetadataSource source = source(URI.create("http://127.0.0.1:" + unused + "/debian"));

    TransportException e = assertThrows(TransportException.class, () -> source.open("dists/bookworm/InRelease"));

    assertEquals("cannot fetch http://127.0.0.1:" + unused + "/debian/dists/bookworm/InRelease for repository"
        + " 'debian': connection refused by 127.0.0.1:" + unused + " (tried 4 times); check the URL and your"
        + " network or proxy (HTTP_PROXY, HTTPS_PROXY and NO_PROXY)", e.getMessage());
  }

  @Test
  void refusesUnsafePathsAndNonHttpBases() {
    TransportMetadataSource source = source(base());
    assertThrows(IllegalArgumentException.class, () -> source.open("../etc/passwd"));
    assertThrows(IllegalArgumentException.class, () -> source.open("dists//x"));
    assertThrows(IllegalArgumentException.class, () -> source(URI.create("file:///etc")));
  }
}

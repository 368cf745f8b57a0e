package dev.sealbuild.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.sealbuild.formats.digest.Sha256;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server that sends the headers and then one byte every 300 ms: prep gives up once a window brings less than the
 * minimum rate, with one line naming the URL and the setting, and leaves nothing in the cache's {@code tmp/}; the same
 * server at full speed passes.
 */
@Timeout(60)
class TrickleCommandTest {
  private static final byte[] FILE = new byte[64 * 1024];

  static {
    new Random(16).nextBytes(FILE);
  }

  @TempDir Path work;
  private HttpServer server;
  private final ExecutorService handlers = Executors.newCachedThreadPool();
  private final AtomicBoolean trickle = new AtomicBoolean();
  private String url;

  @BeforeEach
  void serve() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(handlers);
    server.createContext("/file.bin", exchange -> {
      try (exchange) {
        exchange.sendResponseHeaders(200, FILE.length);
        OutputStream out = exchange.getResponseBody();
        if (!trickle.get()) {
          out.write(FILE);
          return;
        }
        for (byte b : FILE) {
          out.write(b);
          out.flush();
          Thread.sleep(300);
        }
      } catch (IOException | InterruptedException clientGone) {
        // expected: the client hangs up on the trickle
      }
    });
    server.start();
    url = "http://127.0.0.1:" + server.getAddress().getPort() + "/file.bin";
    Files.createDirectories(work.resolve("project"));
    Files.writeString(work.resolve("project/build.yaml"), """
        name: trickled
        files:
          - {url: "%s", sha256: "%s", dest: /file.bin}
        config:
          entrypoint: [/file.bin]
        """.formatted(url, Sha256.hash(FILE).hex()));
  }

  @AfterEach
  void stop() {
    server.stop(0);
    handlers.shutdownNow();
  }

  private InProcess build() {
    return new InProcess(work).env("SEALBUILD_CACHE", work.resolve("cache").toString())
        .env("SEALBUILD_HTTP_ATTEMPTS", "1")
        .env("SEALBUILD_HTTP_MIN_RATE", "1K").env("SEALBUILD_HTTP_MIN_RATE_WINDOW", "1");
  }

  private List<Path> tmpFiles() throws IOException {
    try (Stream<Path> files = Files.list(work.resolve("cache/tmp"))) {
      return files.toList();
    }
  }

  @Test
  void prepCutsOffATrickleWithOneLineAndTheSameServerAtFullSpeedPasses() throws Exception {
    build().run("lock", "project").ok();
    Files.walk(work.resolve("cache/blobs")).filter(Files::isRegularFile).forEach(f -> f.toFile().delete());
    trickle.set(true);

    InProcess.Result result = build().run("prep", "project");

    assertNotEquals(0, result.exit(), result.toString());
    List<String> lines = result.err().lines().filter(line -> line.startsWith("error:")).toList();
    assertEquals(1, lines.size(), result.err());
    String line = lines.get(0);
    assertTrue(line.contains(url) && line.contains("files[0]") && line.contains("below the minimum of 1 KiB/s over 1 s"), line);
    assertTrue(line.contains("SEALBUILD_HTTP_MIN_RATE"), "names the setting: " + line);
    assertEquals(List.of(), tmpFiles(), "no partial file left behind");

    trickle.set(false);
    build().run("prep", "project").ok();
    assertTrue(Files.exists(work.resolve("cache/blobs/sha256/" + Sha256.hash(FILE).hex())), "the file is cached");
  }

  @Test
  void aBadRateIsRefusedInWords() throws IOException {
    build().run("lock", "project").ok();
    Files.walk(work.resolve("cache/blobs")).filter(Files::isRegularFile).forEach(f -> f.toFile().delete());

    InProcess.Result result = build().env("SEALBUILD_HTTP_MIN_RATE", "fast").run("prep", "project");

    assertNotEquals(0, result.exit());
    assertTrue(result.err().contains("invalid SEALBUILD_HTTP_MIN_RATE 'fast'"), result.err());
  }
}

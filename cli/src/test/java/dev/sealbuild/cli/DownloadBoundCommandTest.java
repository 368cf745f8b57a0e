package dev.sealbuild.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.json.CanonicalJson;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server that never stops sending, for a {@code files:} entry whose spec pins only sha256: lock and prep stop at
 * the download limit with one line, the cache's {@code tmp/} never holds more than that, and nothing stays behind;
 * what a killed run left in {@code tmp/} is removed by the next prep and reported by {@code cache verify}.
 */
@Timeout(60)
class DownloadBoundCommandTest {
  private static final byte[] REAL = "the real file\n".getBytes(StandardCharsets.UTF_8);
  private static final long LIMIT = 1 << 20;

  @TempDir Path work;
  private HttpServer server;
  private final AtomicBoolean endless = new AtomicBoolean(true);

  @BeforeEach
  void serve() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/file.bin", exchange -> {
      try (exchange) {
        if (!endless.get()) {
          exchange.sendResponseHeaders(200, REAL.length);
          exchange.getResponseBody().write(REAL);
          return;
        }
        exchange.sendResponseHeaders(200, 0); // chunked, no length announced
        byte[] chunk = new byte[64 * 1024];
        OutputStream out = exchange.getResponseBody();
        while (true) {
          out.write(chunk); // until the client hangs up
        }
      } catch (IOException clientGone) {
        // expected: the client stops reading at the bound
      }
    });
    server.start();
    Files.createDirectories(work.resolve("project"));
    Files.writeString(work.resolve("project/build.yaml"), """
        name: bounded
        files:
          - {url: "http://127.0.0.1:%d/file.bin", sha256: "%s", dest: /file.bin}
        config:
          entrypoint: [/file.bin]
        """.formatted(server.getAddress().getPort(), Sha256.hash(REAL).hex()));
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private InProcess build() {
    return new InProcess(work).env("SEALBUILD_CACHE", work.resolve("cache").toString()).env("SEALBUILD_HTTP_ATTEMPTS", "1");
  }

  /** Runs {@code command} while sampling the size of the cache's tmp/, and returns the largest size seen. */
  private long largestTmpWhile(Runnable command) throws Exception {
    Path tmp = work.resolve("cache/tmp");
    AtomicLong largest = new AtomicLong();
    AtomicBoolean done = new AtomicBoolean();
    Thread sampler = new Thread(() -> {
      while (!done.get()) {
        largest.accumulateAndGet(sizeOf(tmp), Math::max);
        Thread.onSpinWait();
      }
    });
    sampler.start();
    try {
      command.run();
    } finally {
      done.set(true);
      sampler.join();
    }
    return largest.get();
  }

  private static long sizeOf(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.mapToLong(f -> {
        try {
          return Files.size(f);
        } catch (IOException vanished) {
          return 0;
        }
      }).sum();
    } catch (IOException notYet) {
      return 0;
    }
  }

  private List<Path> tmpFiles() throws IOException {
    try (Stream<Path> files = Files.list(work.resolve("cache/tmp"))) {
      return files.toList();
    }
  }

  @Test
  void lockStopsAnEndlessBodyAtTheLimitAndThenRecordsTheSize() throws Exception {
    InProcess.Result[] result = new InProcess.Result[1];
    long largest = largestTmpWhile(() -> result[0] = build().run("lock", "--max-download", "1M", "project"));

    assertNotEquals(0, result[0].exit(), result[0].toString());
    List<String> lines = result[0].err().lines().toList();
    assertEquals(1, lines.size(), result[0].err());
    assertTrue(lines.get(0).contains("files[0]") && lines.get(0).contains("download limit of 1.0 MiB"), lines.get(0));
    assertTrue(lines.get(0).contains("--max-download"), "says how to raise it: " + lines.get(0));
    assertTrue(largest <= LIMIT, "tmp/ held " + largest + " bytes, more than the limit");
    assertEquals(List.of(), tmpFiles(), "nothing left behind");
    assertFalse(Files.exists(work.resolve("project/build.lock.json")));

    endless.set(false);
    build().run("lock", "project").ok();
    JsonNode file = CanonicalJson.mapper().readTree(work.resolve("project/build.lock.json").toFile()).get("files").get(0);
    assertEquals(Sha256.hash(REAL).toString(), file.get("sha256").asText());
    assertEquals(REAL.length, file.get("size").asLong(), "the lock records the size beside the spec's sha256");
  }

  @Test
  void prepStopsAnEndlessBodyAtTheLimitWhenTheLockHasNoSize() throws Exception {
    endless.set(false);
    build().run("lock", "project").ok();
    Path lockFile = work.resolve("project/build.lock.json");
    ObjectNode lock = (ObjectNode) CanonicalJson.mapper().readTree(lockFile.toFile());
    ((ObjectNode) lock.get("files").get(0)).remove("size"); // as locks written before sizes were always recorded
    Files.write(lockFile, CanonicalJson.pretty(lock));
    Files.walk(work.resolve("cache/blobs")).filter(Files::isRegularFile).forEach(f -> f.toFile().delete());
    endless.set(true);

    InProcess.Result[] result = new InProcess.Result[1];
    long largest = largestTmpWhile(() -> result[0] = build().env("SEALBUILD_MAX_DOWNLOAD", "1M").run("prep", "project"));

    assertNotEquals(0, result[0].exit(), result[0].toString());
    assertTrue(result[0].err().contains("files[0]") && result[0].err().contains("download limit of 1.0 MiB"), result[0].err());
    assertTrue(largest <= LIMIT, "tmp/ held " + largest + " bytes, more than the limit");
    assertEquals(List.of(), tmpFiles(), "nothing left behind");
  }

  @Test
  void prepStopsOneByteAfterTheLockedSize() throws Exception {
    endless.set(false);
    build().run("lock", "project").ok();
    Files.walk(work.resolve("cache/blobs")).filter(Files::isRegularFile).forEach(f -> f.toFile().delete());
    endless.set(true);

    InProcess.Result[] result = new InProcess.Result[1];
    long largest = largestTmpWhile(() -> result[0] = build().run("prep", "project"));

    assertNotEquals(0, result[0].exit(), result[0].toString());
    assertTrue(result[0].err().contains("size mismatch for files[0]"), result[0].err());
    assertTrue(largest <= REAL.length + 1, "tmp/ held " + largest + " bytes");
    assertEquals(List.of(), tmpFiles(), "nothing left behind");
  }

  @Test
  void prepAndCacheVerifyRemoveWhatAKilledRunLeftButNotALiveOne() throws Exception {
    endless.set(false);
    build().run("lock", "project").ok();
    Process ended = new ProcessBuilder("true").start();
    ended.waitFor();
    Process live = new ProcessBuilder("sleep", "60").start();
    try {
      Path tmp = work.resolve("cache/tmp");
      Path killed = Files.writeString(tmp.resolve("put-" + ended.pid() + "-" + UUID.randomUUID() + ".part"), "partial");
      Path inProgress = Files.writeString(tmp.resolve("put-" + live.pid() + "-" + UUID.randomUUID() + ".part"), "busy");

      InProcess.Result verify = build().run("cache", "verify");
      assertEquals(1, verify.exit(), verify.toString());
      assertTrue(verify.out().contains(killed + ": TEMP_LITTER partial download left by process " + ended.pid()), verify.out());
      assertFalse(verify.out().contains(inProgress.toString()), verify.out());

      build().run("prep", "project").ok();
      assertEquals(List.of(inProgress), tmpFiles(), "prep removed the killed run's file only");

      Path again = Files.writeString(tmp.resolve("put-" + ended.pid() + "-" + UUID.randomUUID() + ".part"), "partial");
      InProcess.Result deleting = build().run("cache", "verify", "--delete");
      assertTrue(deleting.out().contains(again + ": TEMP_LITTER") && deleting.out().contains("(deleted)"), deleting.out());
      assertEquals(List.of(inProgress), tmpFiles());
      build().run("cache", "verify").ok();
    } finally {
      live.destroy();
    }
  }

  @Test
  void aBadLimitIsRefusedInWords() {
    InProcess.Result result = build().env("SEALBUILD_MAX_DOWNLOAD", "lots").run("prep", "project");
    assertNotEquals(0, result.exit());
    assertTrue(result.err().contains("invalid SEALBUILD_MAX_DOWNLOAD 'lots'"), result.err());
  }
}

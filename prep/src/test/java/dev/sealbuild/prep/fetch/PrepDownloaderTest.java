package dev.sealbuild.prep.fetch;

import static dev.sealbuild.prep.fetch.Fixtures.filesUnder;
import static dev.sealbuild.prep.fetch.Fixtures.randomBytes;
import static dev.sealbuild.prep.fetch.Fixtures.settings;
import static dev.sealbuild.prep.fetch.Fixtures.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.lockfiles.cache.VendorCacheLayout;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.prep.cache.CacheWriter;
import dev.sealbuild.prep.http.DroppingServer;
import dev.sealbuild.prep.http.TestServer;
import dev.sealbuild.prep.http.Transport;
import dev.sealbuild.prep.http.TransportCancelledException;
import dev.sealbuild.prep.http.TransportException;
import dev.sealbuild.prep.http.TransportFixtures;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class PrepDownloaderTest {
  @TempDir Path dir;
  private TestServer server;
  private VendorCacheLayout layout;
  private CacheWriter cache;
  private final TransportFixtures.RecordingSleeper sleeper = new TransportFixtures.RecordingSleeper();

  @BeforeEach
  void setUp() throws IOException {
    server = new TestServer();
    layout = new VendorCacheLayout(dir.resolve("cache"));
    cache = CacheWriter.open(layout);
  }

  @AfterEach
  void tearDown() {
    server.close();
  }

  private PrepDownloader downloader(int maxAttempts) {
    return new PrepDownloader(new Transport(settings(Map.of(), sleeper, maxAttempts)), cache,
        ProgressReporter.silent());
  }

  private void assertCacheEmpty() throws IOException {
    assertEquals(List.of(), filesUnder(layout.root()));
  }

  @Test
  void downloadsVerifiesAndStoresEveryEntry() throws Exception {
    byte[] a = randomBytes(300_000, 1);
    byte[] b = randomBytes(10, 2);
    server.serve("/a.tar.gz", a).serve("/b.bin", b);
    List<FetchJob> jobs = List.of(
        new FetchJob("files[0]", server.uri("/a.tar.gz"), sha256(a), (long) a.length),
        new FetchJob("files[1]", server.uri("/b.bin"), sha256(b), null));

    List<DownloadResult> results = downloader(3).downloadAll(jobs);

    assertEquals(List.of(
        new DownloadResult(jobs.get(0), DownloadResult.Outcome.FETCHED, a.length),
        new DownloadResult(jobs.get(1), DownloadResult.Outcome.FETCHED, b.length)), results);
    assertArrayEquals(a, Files.readAllBytes(layout.blob(sha256(a))));
    assertArrayEquals(b, Files.readAllBytes(layout.blob(sha256(b))));
    assertEquals(List.of(), filesUnder(layout.tmpDir()));
  }

  @Test
  void manyFilesFromOneHostReuseTheirConnections() throws Exception {
    List<FetchJob> jobs = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      byte[] data = randomBytes(20_000 + i, 100 + i);
      server.serve("/f" + i, data);
      // half with a recorded size (the lock's case), half without (reading to the end)
      jobs.add(new FetchJob("files[" + i + "]", server.uri("/f" + i), sha256(data), i % 2 == 0 ? (long) data.length : null));
    }
    PrepDownloader downloader = new PrepDownloader(new Transport(settings(Map.of(), sleeper, 3)), cache,
        ProgressReporter.silent(), 2);

    downloader.downloadAll(jobs);

    assertEquals(16, server.totalRequests());
    assertTrue(server.connections() <= 4, "16 files over " + server.connections() + " connections");
  }

  @Test
  void notFoundNamesUrlAndLabelIsNotRetriedAndLeavesNothing() throws Exception {
    server.route("/gone.tar.gz", exchange -> TestServer.respond(exchange, 404, new byte[0], null));
    FetchJob job = new FetchJob("files[2]", server.uri("/gone.tar.gz"), sha256(new byte[] {1}), 1L);

    DownloadFailedException e = assertThrows(DownloadFailedException.class,
        () -> downloader(4).downloadAll(List.of(job)));

    assertEquals("cannot fetch " + server.uri("/gone.tar.gz") + " for files[2]: HTTP 404 Not Found; check the URL,"
        + " or run build lock again if the file was pinned long ago", e.getMessage());
    assertEquals(1, server.requests("/gone.tar.gz"));
    assertEquals(List.of(), sleeper.sleeps);
    assertCacheEmpty();
  }

  @Test
  void serverErrorThenSuccessIsRetried() throws Exception {
    byte[] data = randomBytes(5000, 3);
    AtomicInteger calls = new AtomicInteger();
    server.route("/flaky", exchange -> {
      if (calls.incrementAndGet() == 1) {
        TestServer.respond(exchange, 500, "oops".getBytes(StandardCharsets.UTF_8), "text/plain");
      } else {
        TestServer.respond(exchange, 200, data, "application/octet-stream");
      }
    });

    List<DownloadResult> results = downloader(4).downloadAll(
        List.of(new FetchJob("files[0]", server.uri("/flaky"), sha256(data), (long) data.length)));

    assertEquals(DownloadResult.Outcome.FETCHED, results.get(0).outcome());
    assertEquals(2, server.requests("/flaky"));
    assertEquals(1, sleeper.sleeps.size());
    assertTrue(cache.contains(sha256(data)));
  }

  @Test
  void unavailableForeverGivesUpAfterMaxAttempts() throws Exception {
    server.route("/down", exchange -> TestServer.respond(exchange, 503, new byte[0], null));
    FetchJob job = new FetchJob("files[0]", server.uri("/down"), sha256(new byte[] {1}), 1L);

    DownloadFailedException e = assertThrows(DownloadFailedException.class,
        () -> downloader(3).downloadAll(List.of(job)));

    assertEquals(3, server.requests("/down"));
    assertEquals(2, sleeper.sleeps.size());
    assertTrue(e.getMessage().startsWith("cannot fetch " + server.uri("/down")
        + " for files[0]: HTTP 503 Service Unavailable (tried 3 times)"), e.getMessage());
    assertCacheEmpty();
  }

  @Test
  void wrongHashNamesExpectedAndActualAndStoresNothing() throws Exception {
    byte[] served = randomBytes(2048, 4);
    Sha256 locked = sha256("the old release".getBytes(StandardCharsets.UTF_8));
    server.serve("/changed.tar.gz", served);
    FetchJob job = new FetchJob("files[1]", server.uri("/changed.tar.gz"), locked, 2048L);

    DownloadFailedException e = assertThrows(DownloadFailedException.class,
        () -> downloader(4).downloadAll(List.of(job)));

    assertTrue(e.getMessage().contains("files[1]"), e.getMessage());
    assertTrue(e.getMessage().contains(server.uri("/changed.tar.gz").toString()), e.getMessage());
    assertTrue(e.getMessage().contains("expected " + locked), e.getMessage());
    assertTrue(e.getMessage().contains("got " + sha256(served)), e.getMessage());
    assertEquals(1, server.requests("/changed.tar.gz"), "a hash mismatch is not retried");
    assertCacheEmpty();
  }

  @Test
  void bodyLongerThanTheLockSizeIsCutOff() throws Exception {
    long offered = 256L * 1024 * 1024;
    AtomicLong sent = new AtomicLong();
    CountDownLatch handlerDone = new CountDownLatch(1);
    server.route("/endless", exchange -> {
      try {
        exchange.sendResponseHeaders(200, 0);
        byte[] chunk = new byte[64 * 1024];
        try (OutputStream out = exchange.getResponseBody()) {
          while (sent.get() < offered) {
            out.write(chunk);
            sent.addAndGet(chunk.length);
          }
        } catch (IOException clientHungUp) {
          // expected: the client stops reading after size + 1 bytes
        }
      } finally {
        handlerDone.countDown();
      }
    });
    FetchJob job = new FetchJob("files[0]", server.uri("/endless"), sha256(new byte[1000]), 1000L);

    DownloadFailedException e = assertThrows(DownloadFailedException.class,
        () -> downloader(4).downloadAll(List.of(job)));

    assertTrue(e.getMessage().contains("expected 1000 bytes, got more (stopped reading at 1001 bytes)"),
        e.getMessage());
    assertTrue(handlerDone.await(20, TimeUnit.SECONDS));
    assertTrue(sent.get() < offered, "server was cut off, sent " + sent.get());
    assertCacheEmpty();
  }

  @Test
  void connectionDroppedMidBodyLeavesNoBlob() throws Exception {
    byte[] data = randomBytes(200_000, 5);
    try (DroppingServer dropping = new DroppingServer(data, Integer.MAX_VALUE)) {
      FetchJob job = new FetchJob("files[3]", dropping.uri("/x.deb"), sha256(data), (long) data.length);

      DownloadFailedException e = assertThrows(DownloadFailedException.class,
          () -> downloader(2).downloadAll(List.of(job)));

      assertTrue(e.getMessage().startsWith("cannot fetch " + dropping.uri("/x.deb") + " for files[3]: "),
          e.getMessage());
      assertTrue(e.getMessage().contains("(tried 2 times)"), e.getMessage());
      assertEquals(2, dropping.connections());
    }
    assertCacheEmpty();
  }

  @Test
  void connectionDroppedOnceIsRetried() throws Exception {
    byte[] data = randomBytes(200_000, 6);
    try (DroppingServer dropping = new DroppingServer(data, 1)) {
      FetchJob job = new FetchJob("files[0]", dropping.uri("/x.deb"), sha256(data), (long) data.length);

      downloader(3).downloadAll(List.of(job));

      assertEquals(2, dropping.connections());
    }
    assertEquals(List.of(layout.blob(sha256(data))), filesUnder(layout.root()));
  }

  @Test
  void cachedEntryCausesNoRequest() throws Exception {
    byte[] data = randomBytes(1000, 7);
    cache.put(new ByteArrayInputStream(data), sha256(data), 1000L, "seed");
    server.serve("/cached.bin", data);

    List<DownloadResult> results = downloader(4).downloadAll(
        List.of(new FetchJob("files[0]", server.uri("/cached.bin"), sha256(data), 1000L)));

    assertEquals(DownloadResult.Outcome.CACHED, results.get(0).outcome());
    assertEquals(0, server.totalRequests());
  }

  @Test
  void parallelDownloadsAllLandInLockOrder() throws Exception {
    int count = 12;
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger maxInFlight = new AtomicInteger();
    List<FetchJob> jobs = new ArrayList<>();
    List<byte[]> bodies = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] data = randomBytes(50_000 + i, 100 + i);
      bodies.add(data);
      server.route("/f" + i, exchange -> {
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        try {
          Thread.sleep(100);
          TestServer.respond(exchange, 200, data, "application/octet-stream");
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } finally {
          inFlight.decrementAndGet();
        }
      });
      jobs.add(new FetchJob("files[" + i + "]", server.uri("/f" + i), sha256(data), (long) data.length));
    }
    PrepDownloader downloader = new PrepDownloader(new Transport(settings(Map.of(), sleeper, 3)), cache,
        ProgressReporter.silent(), 4);

    List<DownloadResult> results = downloader.downloadAll(jobs);

    assertEquals(jobs, results.stream().map(DownloadResult::job).toList());
    for (int i = 0; i < count; i++) {
      assertArrayEquals(bodies.get(i), Files.readAllBytes(layout.blob(jobs.get(i).sha256())));
    }
    assertTrue(maxInFlight.get() <= 4, "at most 4 at a time, saw " + maxInFlight.get());
    assertTrue(maxInFlight.get() >= 2, "downloads ran in parallel, saw " + maxInFlight.get());
    assertEquals(List.of(), filesUnder(layout.tmpDir()));
  }

  @Test
  void htmlPageInsteadOfTheFileIsRejected() throws Exception {
    server.route("/download", exchange -> TestServer.respond(exchange, 200,
        "<html><body>Click here to download</body></html>".getBytes(StandardCharsets.UTF_8),
        "text/html; charset=utf-8"));
    FetchJob job = new FetchJob("files[0]", server.uri("/download"), sha256(new byte[] {1}), null);

    DownloadFailedException e = assertThrows(DownloadFailedException.class,
        () -> downloader(4).downloadAll(List.of(job)));

    assertTrue(e.getMessage().contains("HTML page (Content-Type text/html; charset=utf-8)"), e.getMessage());
    assertEquals(1, server.requests("/download"));
    assertCacheEmpty();
  }

  @Test
  void allFailuresAreCollectedAndTheFirstIsReported() throws Exception {
    byte[] ok0 = randomBytes(100, 8);
    byte[] ok2 = randomBytes(100, 9);
    server.serve("/ok0", ok0).serve("/ok2", ok2)
        .route("/missing1", exchange -> TestServer.respond(exchange, 404, new byte[0], null))
        .route("/missing3", exchange -> TestServer.respond(exchange, 410, new byte[0], null));
    List<FetchJob> jobs = List.of(
        new FetchJob("files[0]", server.uri("/ok0"), sha256(ok0), 100L),
        new FetchJob("files[1]", server.uri("/missing1"), sha256(new byte[] {1}), null),
        new FetchJob("files[2]", server.uri("/ok2"), sha256(ok2), 100L),
        new FetchJob("files[3]", server.uri("/missing3"), sha256(new byte[] {2}), null));

    DownloadFailedException e = assertThrows(DownloadFailedException.class, () -> downloader(4).downloadAll(jobs));

    assertTrue(e.getMessage().startsWith("cannot fetch " + server.uri("/missing1") + " for files[1]: "), e.getMessage());
    assertTrue(e.getMessage().endsWith("(2 of 4 entries failed)"), e.getMessage());
    assertEquals(2, e.failures().size());
    assertTrue(e.failures().get(1).contains("files[3]") && e.failures().get(1).contains("HTTP 410 Gone"));
    assertTrue(cache.contains(sha256(ok0)));
    assertTrue(cache.contains(sha256(ok2)));
  }

  @Test
  void entriesWithTheSameDigestAreFetchedOnce() throws Exception {
    byte[] data = randomBytes(4000, 10);
    server.serve("/mirror-a", data).serve("/mirror-b", data);
    List<FetchJob> jobs = List.of(
        new FetchJob("files[0]", server.uri("/mirror-a"), sha256(data), 4000L),
        new FetchJob("files[1]", server.uri("/mirror-b"), sha256(data), 4000L));

    List<DownloadResult> results = downloader(4).downloadAll(jobs);

    assertEquals(List.of(DownloadResult.Outcome.FETCHED, DownloadResult.Outcome.CACHED),
        results.stream().map(DownloadResult::outcome).toList());
    assertEquals(1, server.totalRequests());
  }

  @Test
  void cancelRemovesPartialFiles() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    server.route("/slow", exchange -> {
      exchange.sendResponseHeaders(200, 1_000_000);
      OutputStream out = exchange.getResponseBody();
      out.write(new byte[300_000]);
      out.flush();
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    PrepDownloader downloader = new PrepDownloader(
        new Transport(settings(Map.of(), sleeper, 3).withTimeouts(
            java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(30), java.time.Duration.ofSeconds(60))),
        cache, ProgressReporter.silent());
    FetchJob job = new FetchJob("files[0]", server.uri("/slow"), sha256(new byte[1_000_000]), 1_000_000L);
    try {
      CompletableFuture<List<DownloadResult>> running =
          CompletableFuture.supplyAsync(() -> downloader.downloadAll(List.of(job)));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (tempBytes() < 300_000 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertEquals(300_000, tempBytes(), "partial download in tmp/");

      downloader.cancel();

      Throwable failure = assertThrows(java.util.concurrent.ExecutionException.class,
          () -> running.get(20, TimeUnit.SECONDS)).getCause();
      assertTrue(failure instanceof TransportCancelledException, String.valueOf(failure));
      assertFalse(failure.getMessage().contains("\n"));
      assertCacheEmpty();
      assertEquals(1, server.requests("/slow"), "a cancelled download is not retried");
    } finally {
      release.countDown();
    }
  }

  private long tempBytes() throws IOException {
    long total = 0;
    for (Path file : filesUnder(layout.tmpDir())) {
      try {
        total += Files.size(file);
      } catch (java.nio.file.NoSuchFileException raced) {
        // renamed or removed meanwhile
      }
    }
    return total;
  }

  @Test
  void plainProgressPrintsOneLinePerEntry() throws Exception {
    byte[] cached = randomBytes(100, 11);
    byte[] fresh = randomBytes(1536, 12);
    cache.put(new ByteArrayInputStream(cached), sha256(cached), 100L, "seed");
    server.serve("/fresh", fresh);
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    PrepDownloader downloader = new PrepDownloader(new Transport(settings(Map.of(), sleeper, 3)), cache,
        new PlainProgressReporter(new PrintWriter(new java.io.OutputStreamWriter(buffer, StandardCharsets.UTF_8), true)), 2);

    downloader.downloadAll(List.of(
        new FetchJob("files[0]", server.uri("/fresh"), sha256(fresh), 1536L),
        new FetchJob("files[1]", server.uri("/cached"), sha256(cached), 100L)));

    assertEquals(List.of(
            "cached files[1]",
            "fetched files[0] 1.5 KiB sha256:" + sha256(fresh).hex().substring(0, 12) + "..."),
        buffer.toString(StandardCharsets.UTF_8).lines().toList());
  }

  @Test
  void unpinnedFileIsStoredAndItsDigestAndSizeReturned() throws Exception {
    byte[] data = randomBytes(70_000, 13);
    server.serve("/new-release.tar.xz", data);

    DownloadedBlob blob = downloader(3).fetchUnpinned("files[5]", server.uri("/new-release.tar.xz"), 1_000_000);

    assertEquals(new DownloadedBlob(sha256(data), data.length), blob);
    assertArrayEquals(data, Files.readAllBytes(layout.blob(blob.sha256())));
  }

  @Test
  void unpinnedFileOverTheLimitIsRejected() throws Exception {
    server.serve("/huge", randomBytes(200_000, 14));

    TransportException e = assertThrows(TransportException.class,
        () -> downloader(3).fetchUnpinned("files[5]", server.uri("/huge"), 100_000));

    assertTrue(e.getMessage().contains("more than the download limit of 97.7 KiB (100000 bytes)"), e.getMessage());
    assertEquals(1, server.requests("/huge"));
    assertCacheEmpty();
  }

  @Test
  void aMissingOrWrongSourceFallsBackToTheNextMirrorInOrder() throws Exception {
    byte[] good = randomBytes(5_000, 3);
    byte[] evil = good.clone();
    evil[0] ^= 1;
    server.serve("/mirror-1/tool", evil).serve("/mirror-2/tool", good);
    FetchJob job = new FetchJob("files[0]", server.uri("/gone/tool"), sha256(good), (long) good.length,
        List.of(server.uri("/mirror-1/tool"), server.uri("/mirror-2/tool")));
    List<DownloadResult> results = downloader(1).downloadAll(List.of(job));
    assertEquals(List.of(new DownloadResult(job, DownloadResult.Outcome.FETCHED, good.length)), results);
    assertEquals(List.of(layout.blob(sha256(good))), filesUnder(layout.root()), "only the verified bytes, nothing left in tmp/");
    org.junit.jupiter.api.Assertions.assertArrayEquals(good, java.nio.file.Files.readAllBytes(layout.blob(sha256(good))));
  }

  @Test
  void goneFromEverySourceIsOneErrorNamingThemAllAndHowToReLock() throws Exception {
    byte[] data = randomBytes(100, 4);
    FetchJob job = new FetchJob("hello 1.0-1 amd64", server.uri("/pool/hello.deb"), sha256(data), (long) data.length,
        List.of(server.uri("/snapshot/20261202T000000Z/pool/hello.deb")));
    DownloadFailedException e = org.junit.jupiter.api.Assertions.assertThrows(DownloadFailedException.class,
        () -> downloader(1).downloadAll(List.of(job)));
    assertEquals("hello 1.0-1 amd64 (" + sha256(data) + ") is gone from every source tried: " + server.uri("/pool/hello.deb")
        + " (not found); " + server.uri("/snapshot/20261202T000000Z/pool/hello.deb") + " (not found); the source dropped this"
        + " version: run build lock --update to pin one it serves, or name another source (--snapshot, a files: entry's mirrors)",
        e.getMessage());
    assertCacheEmpty();
  }
}

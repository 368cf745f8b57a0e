package dev.sealbuild.prep.http;

import static dev.sealbuild.prep.http.TransportFixtures.randomBytes;
import static dev.sealbuild.prep.http.TransportFixtures.settings;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class TransportTest {
  private TestServer server;
  private final TransportFixtures.RecordingSleeper sleeper = new TransportFixtures.RecordingSleeper();

  @BeforeEach
  void setUp() throws IOException {
    server = new TestServer();
  }

  @AfterEach
  void tearDown() {
    server.close();
  }

  private Transport fetcher(int maxAttempts) {
    return new Transport(settings(Map.of(), sleeper, maxAttempts));
  }

  private static byte[] readAll(ResponseBody body) throws IOException {
    return body.stream().readAllBytes();
  }

  @Test
  void streamsTheBodyToTheConsumer() {
    byte[] data = randomBytes(3_000_000, 31);
    server.serve("/big.bin", data);

    byte[] received = fetcher(1).fetch(TransportRequest.get("files[0]", server.uri("/big.bin")), TransportTest::readAll);

    assertArrayEquals(data, received);
  }

  @Test
  void retryAfterIsHonouredUpToTheCap() {
    AtomicInteger calls = new AtomicInteger();
    server.route("/busy", exchange -> {
      int call = calls.incrementAndGet();
      if (call <= 2) {
        exchange.getResponseHeaders().set("Retry-After", call == 1 ? "7" : "3600");
        TestServer.respond(exchange, 429, new byte[0], null);
      } else {
        TestServer.respond(exchange, 200, "ok".getBytes(StandardCharsets.UTF_8), "application/octet-stream");
      }
    });

    byte[] received = fetcher(4).fetch(TransportRequest.get("files[0]", server.uri("/busy")), TransportTest::readAll);

    assertEquals("ok", new String(received, StandardCharsets.UTF_8));
    assertEquals(List.of(Duration.ofSeconds(7), Duration.ofSeconds(30)), sleeper.sleeps);
  }

  @Test
  void backoffGrowsExponentiallyWithJitter() {
    server.route("/down", exchange -> TestServer.respond(exchange, 502, new byte[0], null));

    assertThrows(TransportException.class,
        () -> fetcher(5).fetch(TransportRequest.get("files[0]", server.uri("/down")), TransportTest::readAll));

    assertEquals(5, server.requests("/down"));
    assertEquals(4, sleeper.sleeps.size());
    long[] nominal = {100, 200, 400, 800};
    for (int i = 0; i < nominal.length; i++) {
      long slept = sleeper.sleeps.get(i).toMillis();
      assertTrue(slept >= nominal[i] / 2 && slept <= nominal[i], "wait " + i + " was " + slept + " ms");
    }
  }

  @Test
  void forbiddenFailsAtOnce() {
    server.route("/private", exchange -> TestServer.respond(exchange, 403, new byte[0], null));

    TransportException e = assertThrows(TransportException.class,
        () -> fetcher(4).fetch(TransportRequest.get("files[9]", server.uri("/private")), TransportTest::readAll));

    assertTrue(e.getMessage().startsWith("cannot fetch " + server.uri("/private")
        + " for files[9]: HTTP 403 Forbidden;"), e.getMessage());
    assertEquals(1, server.requests("/private"));
    assertEquals(List.of(), sleeper.sleeps);
  }

  @Test
  void connectionRefusedIsRetriedThenReported() throws Exception {
    int closedPort;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = probe.getLocalPort();
    }
    URI url = URI.create("http://127.0.0.1:" + closedPort + "/x");

    TransportException e = assertThrows(TransportException.class,
        () -> fetcher(3).fetch(TransportRequest.get("files[1]", url), TransportTest::readAll));

    assertTrue(e.getMessage().startsWith("cannot fetch " + url + " for files[1]: connection refused by 127.0.0.1:"),
        e.getMessage());
    assertTrue(e.getMessage().contains("(tried 3 times)"), e.getMessage());
    assertEquals(2, sleeper.sleeps.size());
  }

  @Test
  void stalledBodyTimesOut() {
    CountDownLatch release = new CountDownLatch(1);
    server.route("/stall", exchange -> {
      exchange.sendResponseHeaders(200, 10_000);
      OutputStream out = exchange.getResponseBody();
      out.write(new byte[100]);
      out.flush();
      try {
        release.await(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    Transport fetcher = new Transport(settings(Map.of(), sleeper, 2)
        .withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(300), Duration.ofSeconds(30)));
    try {
      long start = System.nanoTime();
      TransportException e = assertThrows(TransportException.class,
          () -> fetcher.fetch(TransportRequest.get("files[0]", server.uri("/stall")), TransportTest::readAll));

      assertTrue(e.getMessage().contains("timed out: no data received for 0.3 s"), e.getMessage());
      assertEquals(2, server.requests("/stall"));
      assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10));
    } finally {
      release.countDown();
    }
  }

  @Test
  void slowButSteadyBodyIsNotCutByTheReadTimeout() {
    server.route("/trickle", exchange -> {
      exchange.sendResponseHeaders(200, 15 * 100);
      try (OutputStream out = exchange.getResponseBody()) {
        for (int i = 0; i < 15; i++) {
          out.write(new byte[100]);
          out.flush();
          Thread.sleep(100);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    Transport fetcher = new Transport(settings(Map.of(), sleeper, 1)
        .withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(600), Duration.ofSeconds(30)));

    byte[] received = fetcher.fetch(TransportRequest.get("files[0]", server.uri("/trickle")), TransportTest::readAll);

    assertEquals(1500, received.length, "1.5 s in total, but never 0.6 s without data");
  }

  @Test
  void redirectsAreFollowed() {
    byte[] data = randomBytes(1000, 32);
    server.serve("/real.tar.gz", data);
    server.route("/latest.tar.gz", exchange -> {
      exchange.getResponseHeaders().set("Location", server.uri("/real.tar.gz").toString());
      exchange.sendResponseHeaders(302, -1);
    });

    ResponseBody[] seen = new ResponseBody[1];
    byte[] received = fetcher(1).fetch(TransportRequest.get("files[0]", server.uri("/latest.tar.gz")), body -> {
      seen[0] = body;
      return readAll(body);
    });

    assertArrayEquals(data, received);
    assertEquals(server.uri("/real.tar.gz"), seen[0].finalUrl());
  }

  @Test
  void redirectLoopIsAPermanentFailure() {
    server.route("/loop", exchange -> {
      exchange.getResponseHeaders().set("Location", server.uri("/loop").toString());
      exchange.sendResponseHeaders(302, -1);
    });

    TransportException e = assertThrows(TransportException.class,
        () -> fetcher(3).fetch(TransportRequest.get("files[0]", server.uri("/loop")), TransportTest::readAll));

    assertTrue(e.getMessage().startsWith("cannot fetch " + server.uri("/loop") + " for files[0]: "), e.getMessage());
    assertTrue(e.getMessage().toLowerCase().contains("redirect"), e.getMessage());
    assertEquals(List.of(), sleeper.sleeps, "retrying a redirect loop cannot help");
  }

  @Test
  void htmlIsAcceptedWhenExpected() {
    byte[] page = "<html>index</html>".getBytes(StandardCharsets.UTF_8);
    server.route("/index.html", exchange -> TestServer.respond(exchange, 200, page, "text/html"));

    byte[] received = fetcher(1).fetch(
        TransportRequest.get("index", server.uri("/index.html")).expectingHtml(), TransportTest::readAll);

    assertArrayEquals(page, received);
  }

  @Test
  void smallFetchReturnsTheBody() {
    byte[] data = "Release file".getBytes(StandardCharsets.UTF_8);
    server.serve("/Release", data);

    assertArrayEquals(data, fetcher(1).fetchSmall(TransportRequest.get("suite", server.uri("/Release")), 100));
  }

  @Test
  void smallFetchRejectsLargerBodies() {
    server.serve("/announced", randomBytes(5000, 33));
    server.route("/chunked", exchange -> {
      exchange.sendResponseHeaders(200, 0);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(new byte[5000]);
      }
    });

    for (String path : List.of("/announced", "/chunked")) {
      TransportException e = assertThrows(TransportException.class,
          () -> fetcher(3).fetchSmall(TransportRequest.get("index", server.uri(path)), 1000));
      assertTrue(e.getMessage().contains("larger than the limit of 1000 bytes"), e.getMessage());
      assertEquals(1, server.requests(path), path + " is not retried");
    }
  }

  @Test
  void passwordsInUrlsAreNotEchoed() {
    server.route("/secret", exchange -> TestServer.respond(exchange, 404, new byte[0], null));
    URI url = URI.create("http://user:hunter2@127.0.0.1:" + server.port() + "/secret");

    TransportException e = assertThrows(TransportException.class,
        () -> fetcher(1).fetch(TransportRequest.get("files[0]", url), TransportTest::readAll));

    assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    assertTrue(e.getMessage().contains("127.0.0.1:" + server.port() + "/secret"), e.getMessage());
  }

  @Test
  void onlyHttpUrlsAreAccepted() {
    TransportException e = assertThrows(TransportException.class,
        () -> TransportRequest.get("files[0]", URI.create("file:///etc/passwd")));

    assertTrue(e.getMessage().startsWith("cannot fetch file:///etc/passwd for files[0]: only"), e.getMessage());
  }

  @Test
  void unknownHostIsPermanent() {
    URI url = URI.create("https://no-such-host.invalid/x");
    ConnectException wrapped = new ConnectException();
    wrapped.initCause(new UnresolvedAddressException());

    Failures.Classified fromJdk = Failures.classify(wrapped, url, Optional.empty());
    Failures.Classified plain = Failures.classify(new UnknownHostException("no-such-host.invalid"), url,
        Optional.empty());

    assertTrue(fromJdk.permanent());
    assertTrue(plain.permanent());
    assertTrue(fromJdk.reason().startsWith("unknown host no-such-host.invalid"), fromJdk.reason());
    assertFalse(Failures.classify(new ConnectException("Connection refused"), url, Optional.empty()).permanent());
  }

  @Test
  void retryAfterAsAnHttpDateIsHonoured() {
    java.time.Instant now = java.time.Instant.parse("2026-12-02T08:00:00Z");
    AtomicInteger calls = new AtomicInteger();
    server.route("/later", exchange -> {
      if (calls.incrementAndGet() == 1) {
        exchange.getResponseHeaders().set("Retry-After", "Wed, 02 Dec 2026 08:00:20 GMT");
        TestServer.respond(exchange, 503, new byte[0], null);
      } else {
        TestServer.respond(exchange, 200, "ok".getBytes(StandardCharsets.UTF_8), "application/octet-stream");
      }
    });
    Transport transport = new Transport(settings(Map.of(), sleeper, 3)
        .withClock(java.time.Clock.fixed(now, java.time.ZoneOffset.UTC)));

    byte[] received = transport.fetch(TransportRequest.get("files[0]", server.uri("/later")), TransportTest::readAll);

    assertEquals("ok", new String(received, StandardCharsets.UTF_8));
    assertEquals(List.of(Duration.ofSeconds(20)), sleeper.sleeps);
  }

  @Test
  void aTricklingServerIsCutOffByTheDeadline() {
    CountDownLatch release = new CountDownLatch(1);
    server.route("/trickle-forever", exchange -> {
      exchange.sendResponseHeaders(200, 1_000_000);
      try (OutputStream out = exchange.getResponseBody()) {
        for (int i = 0; i < 1000 && release.getCount() > 0; i++) {
          out.write('x');
          out.flush();
          Thread.sleep(100);
        }
      } catch (InterruptedException | IOException e) {
        Thread.currentThread().interrupt();
      }
    });
    Transport transport = new Transport(settings(Map.of(), sleeper, 3)
        .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofMillis(1500)));
    long start = System.nanoTime();
    try {
      TransportException e = assertThrows(TransportException.class, () -> transport.fetch(
          TransportRequest.get("files[0]", server.uri("/trickle-forever")), TransportTest::readAll));

      assertEquals(TransportException.Failure.DEADLINE, e.failure());
      assertEquals("cannot fetch " + server.uri("/trickle-forever") + " for files[0]: the transfer did not finish"
          + " within 1.5 s (the deadline per request); the server is too slow; try again later, use another mirror,"
          + " or raise SEALBUILD_HTTP_DEADLINE", e.getMessage());
      assertEquals(1, server.requests("/trickle-forever"), "a deadline is not retried");
      assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "cut off promptly");
    } finally {
      release.countDown();
    }
  }

  /** Sends {@code data} after the headers, {@code chunk} bytes at a time with {@code pauseMillis} between them. */
  private void serveSlowly(String path, byte[] data, int chunk, long pauseMillis) {
    server.route(path, exchange -> {
      exchange.sendResponseHeaders(200, data.length);
      try (OutputStream out = exchange.getResponseBody()) {
        for (int at = 0; at < data.length; at += chunk) {
          out.write(data, at, Math.min(chunk, data.length - at));
          out.flush();
          Thread.sleep(pauseMillis);
        }
      } catch (InterruptedException | IOException e) {
        // the client hung up, or the server is closing
      }
    });
  }

  @Test
  void aTrickleBelowTheMinimumRateFailsEachAttemptWithOneLineNamingTheSetting() {
    serveSlowly("/trickle-slowly", randomBytes(64 * 1024, 34), 1, 300);
    Transport transport = new Transport(settings(Map.of(), sleeper, 2)
        .withMinimumRate(new MinimumRate(1024, Duration.ofSeconds(1))));

    TransportException e = assertThrows(TransportException.class, () -> transport.fetch(
        TransportRequest.get("files[0]", server.uri("/trickle-slowly")), TransportTest::readAll));

    assertEquals(TransportException.Failure.NETWORK, e.failure());
    assertTrue(e.getMessage().matches("cannot fetch " + java.util.regex.Pattern.quote(server.uri("/trickle-slowly")
        .toString()) + " for files\\[0\\]: the server sent \\d+ B in the last 1 s, below the minimum of 1 KiB/s over 1 s"
        + " \\(SEALBUILD_HTTP_MIN_RATE\\) \\(tried 2 times\\); the mirror is too slow or stalled: try again later, use"
        + " another mirror, or lower SEALBUILD_HTTP_MIN_RATE \\(0 turns the check off\\)"), e.getMessage());
    assertEquals(2, server.requests("/trickle-slowly"), "retried, like the idle timeout");
  }

  @Test
  void theSameBodyAtFullSpeedPassesTheMinimumRate() {
    byte[] data = randomBytes(64 * 1024, 34);
    serveSlowly("/steady", data, 16 * 1024, 200);
    Transport transport = new Transport(settings(Map.of(), sleeper, 1)
        .withMinimumRate(new MinimumRate(1024, Duration.ofSeconds(1))));

    byte[] received = transport.fetch(TransportRequest.get("files[0]", server.uri("/steady")), TransportTest::readAll);

    assertArrayEquals(data, received, "16 KiB per 0.2 s is far above 1 KiB/s, though it takes several windows");
  }

  @Test
  void anOpenedBodyBelowTheMinimumRateFailsWhileReading() throws IOException {
    serveSlowly("/opened", randomBytes(64 * 1024, 35), 1, 300);
    Transport transport = new Transport(settings(Map.of(), sleeper, 1)
        .withMinimumRate(new MinimumRate(1024, Duration.ofSeconds(1))));

    ResponseBody body = transport.open(TransportRequest.get("blob", server.uri("/opened")));
    try (java.io.InputStream in = body.stream()) {
      TransportException e = assertThrows(TransportException.class, in::readAllBytes);
      assertTrue(e.getMessage().startsWith("cannot fetch " + server.uri("/opened") + " for blob: reading the response"
          + " failed: the server sent "), e.getMessage());
      assertTrue(e.getMessage().contains("SEALBUILD_HTTP_MIN_RATE"), e.getMessage());
    }
  }

  @Test
  void anHtmlPageServedAsDataIsRefused() {
    server.serve("/index.json", "  <!DOCTYPE html><html><body>Sign in</body></html>".getBytes(StandardCharsets.UTF_8));
    server.route("/portal", exchange -> TestServer.respond(exchange, 200,
        "<html>login</html>".getBytes(StandardCharsets.UTF_8), "text/html"));

    TransportException sniffed = assertThrows(TransportException.class,
        () -> fetcher(1).fetchSmall(TransportRequest.get("manifest", server.uri("/index.json")), 1000));
    TransportException typed = assertThrows(TransportException.class,
        () -> fetcher(1).fetch(TransportRequest.get("files[0]", server.uri("/portal")), TransportTest::readAll));

    assertEquals(TransportException.Failure.HTML_INSTEAD_OF_DATA, sniffed.failure());
    assertTrue(sniffed.getMessage().contains("sent an HTML page (a page starting with <html) instead of the file"),
        sniffed.getMessage());
    assertEquals(TransportException.Failure.HTML_INSTEAD_OF_DATA, typed.failure());
    assertTrue(typed.getMessage().contains("(Content-Type text/html) instead of the file"), typed.getMessage());
  }

  @Test
  void redirectsToOtherSchemesAreRefusedSayingWhich() {
    server.route("/ftp", exchange -> {
      exchange.getResponseHeaders().set("Location", "ftp://mirror.example/pub/x.deb");
      TestServer.respond(exchange, 302, new byte[0], null);
    });

    TransportException e = assertThrows(TransportException.class,
        () -> fetcher(3).fetch(TransportRequest.get("files[0]", server.uri("/ftp")), TransportTest::readAll));

    assertEquals(TransportException.Failure.REDIRECT, e.failure());
    assertEquals("cannot fetch " + server.uri("/ftp") + " for files[0]: redirected to ftp://mirror.example/pub/x.deb,"
        + " which is not followed: only http:// and https:// redirects are (not ftp://); fix the URL", e.getMessage());
  }

  @Test
  void credentialsAreNotSentOnToAnotherHost() throws IOException {
    List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (TestServer storage = new TestServer()) {
      storage.route("/blob", exchange -> {
        seen.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
        TestServer.respond(exchange, 200, "blob".getBytes(StandardCharsets.UTF_8), "application/octet-stream");
      });
      server.route("/v2/x/blobs/sha256:1", exchange -> {
        exchange.getResponseHeaders().set("Location", storage.uri("/blob").toString());
        TestServer.respond(exchange, 307, new byte[0], null);
      });

      try (Response response = fetcher(1).send(TransportRequest.get("image x", server.uri("/v2/x/blobs/sha256:1"))
          .header("Authorization", "Bearer secret"))) {
        assertEquals(200, response.status());
        assertEquals("blob", new String(response.readAtMost(100), StandardCharsets.UTF_8));
      }
    }
    assertEquals(List.of("null"), seen);
  }

  @Test
  void anUploadIsNotRepeatedAfterTheServerHadIt() {
    server.route("/upload", exchange -> TestServer.respond(exchange, 500, new byte[0], null));

    try (Response response = fetcher(4).send(TransportRequest.get("image x", server.uri("/upload"))
        .withMethod("PUT", TransportRequest.Body.of(new byte[] {1, 2, 3})).notIdempotent())) {
      assertEquals(500, response.status(), "the caller decides what the answer means");
    }

    assertEquals(1, server.requests("/upload"));
    assertEquals(List.of(), sleeper.sleeps);
  }

  @Test
  void aProxyThatIsDownIsNamed() throws Exception {
    int closedPort;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = probe.getLocalPort();
    }
    Transport transport = new Transport(settings(Map.of("HTTP_PROXY", "http://127.0.0.1:" + closedPort), sleeper, 2));

    TransportException e = assertThrows(TransportException.class,
        () -> transport.fetch(TransportRequest.get("files[0]", server.uri("/x")), TransportTest::readAll));

    assertEquals("cannot fetch " + server.uri("/x") + " for files[0]: connection refused by proxy 127.0.0.1:"
        + closedPort + " (from HTTP_PROXY) (tried 2 times); check HTTP_PROXY and NO_PROXY, and that the proxy is"
        + " running", e.getMessage());
    assertEquals(0, server.totalRequests());
  }

  @Test
  void closingStopsTheClientsSelectorThreadSoTheJvmExitsAtOnce() throws Exception {
    server.serve("/small", "ok".getBytes(StandardCharsets.UTF_8));
    java.util.Set<Thread> before = selectorThreads();
    Transport transport = fetcher(1);
    transport.fetch(TransportRequest.get("files[0]", server.uri("/small")), TransportTest::readAll);
    java.util.Set<Thread> started = selectorThreads();
    started.removeAll(before);
    assertEquals(1, started.size(), "the transport's client runs one selector thread: " + started);

    transport.close();

    Thread selector = started.iterator().next();
    selector.join(5_000);
    assertFalse(selector.isAlive(), "the selector thread still runs after close: the JVM would wait for it at exit");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> transport.fetch(TransportRequest.get("files[0]", server.uri("/small")), TransportTest::readAll));
    assertEquals("the transport is closed", e.getMessage());
    transport.close(); // twice is harmless
  }

  @Test
  void closingATransportThatNeverFetchedStartsNoClient() {
    java.util.Set<Thread> before = selectorThreads();
    Transport transport = fetcher(1);
    transport.close();
    java.util.Set<Thread> after = selectorThreads();
    after.removeAll(before);
    assertTrue(after.isEmpty(), "closing made a client: " + after);
  }

  private static java.util.Set<Thread> selectorThreads() {
    java.util.Set<Thread> threads = new java.util.HashSet<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.isAlive() && t.getName().matches("HttpClient-\\d+-SelectorManager")) {
        threads.add(t);
      }
    }
    return threads;
  }
}

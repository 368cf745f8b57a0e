package dev.sealbuild.prep.http;

import static dev.sealbuild.prep.http.TransportFixtures.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sealbuild.testsupport.http.ForwardProxy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS: a redirect down to plain HTTP is refused, and https goes through the proxy as a CONNECT tunnel. */
@Timeout(60)
class TlsTransportTest {
  @TempDir Path dir;
  private TlsServer tls;
  private TestServer plain;

  @BeforeEach
  void setUp() throws Exception {
    plain = new TestServer().serve("/x.deb", "plain".getBytes(StandardCharsets.UTF_8));
    tls = new TlsServer(dir)
        .route("/x.deb", exchange -> TestServer.respond(exchange, 200, "secure".getBytes(StandardCharsets.UTF_8),
            "application/octet-stream"))
        .route("/down", exchange -> {
          exchange.getResponseHeaders().set("Location", plain.uri("/x.deb").toString());
          TestServer.respond(exchange, 302, new byte[0], null);
        });
  }

  @AfterEach
  void tearDown() {
    tls.close();
    plain.close();
  }

  private static String text(ResponseBody body) throws IOException {
    return new String(body.stream().readAllBytes(), StandardCharsets.UTF_8);
  }

  @Test
  void aRedirectFromHttpsToHttpIsRefused() {
    Transport transport = tls.transport(settings(Map.of(), new TransportFixtures.RecordingSleeper(), 3));

    TransportException e = assertThrows(TransportException.class,
        () -> transport.fetch(TransportRequest.get("files[0]", tls.uri("/down")), TlsTransportTest::text));

    assertEquals(TransportException.Failure.REDIRECT, e.failure());
    assertEquals("cannot fetch " + tls.uri("/down") + " for files[0]: redirected from https to " + plain.uri("/x.deb")
        + ", which is refused (it would drop TLS); use a URL that stays on https", e.getMessage());
    assertEquals(0, plain.requests("/x.deb"));
  }

  @Test
  void httpsGoesThroughTheProxyInATunnel() throws IOException {
    try (ForwardProxy proxy = new ForwardProxy()) {
      Transport transport = tls.transport(
          settings(Map.of("HTTPS_PROXY", proxy.url()), new TransportFixtures.RecordingSleeper(), 1));

      assertEquals("secure", transport.fetch(TransportRequest.get("files[0]", tls.uri("/x.deb")), TlsTransportTest::text));
      assertEquals(List.of("CONNECT 127.0.0.1:" + tls.port()), proxy.requests());
    }
  }
}

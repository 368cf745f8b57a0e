package dev.sealbuild.prep.fetch;

import static dev.sealbuild.prep.fetch.Fixtures.randomBytes;
import static dev.sealbuild.prep.fetch.Fixtures.settings;
import static dev.sealbuild.prep.fetch.Fixtures.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.lockfiles.cache.VendorCacheLayout;
import dev.sealbuild.prep.cache.CacheWriter;
import dev.sealbuild.testsupport.http.ForwardProxy;
import dev.sealbuild.prep.http.TestServer;
import dev.sealbuild.prep.http.Transport;
import dev.sealbuild.prep.http.TransportFixtures;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Downloads through a tiny forwarding proxy chosen from an injected environment. */
@Timeout(60)
class ProxyTest {
  @TempDir Path dir;
  private TestServer origin;
  private ForwardProxy proxy;
  private final byte[] data = randomBytes(40_000, 21);

  @BeforeEach
  void setUp() throws IOException {
    origin = new TestServer().serve("/pkg.tar.gz", data);
    proxy = new ForwardProxy();
  }

  @AfterEach
  void tearDown() {
    origin.close();
    proxy.close();
  }

  private void download(Map<String, String> environment) {
    CacheWriter cache = CacheWriter.open(new VendorCacheLayout(dir.resolve("cache")));
    new PrepDownloader(new Transport(settings(environment, new TransportFixtures.RecordingSleeper(), 2)), cache,
        ProgressReporter.silent()).downloadAll(List.of(
            new FetchJob("files[0]", origin.uri("/pkg.tar.gz"), sha256(data), (long) data.length)));
    assertTrue(cache.contains(sha256(data)));
  }

  @Test
  void httpProxyFromTheEnvironmentIsUsed() throws Exception {
    download(Map.of("HTTP_PROXY", "http://127.0.0.1:" + proxy.port()));

    assertEquals(List.of("GET " + origin.uri("/pkg.tar.gz")), proxy.requests());
    assertEquals(1, origin.requests("/pkg.tar.gz"));
  }

  @Test
  void lowercaseVariableWinsOverUppercase() throws Exception {
    download(Map.of("http_proxy", "127.0.0.1:" + proxy.port(), "HTTP_PROXY", "http://127.0.0.1:9"));

    assertEquals(1, proxy.requests().size());
  }

  @Test
  void noProxyBypassesTheProxy() throws Exception {
    download(Map.of("HTTP_PROXY", "http://127.0.0.1:" + proxy.port(), "NO_PROXY", "example.org, 127.0.0.1"));

    assertEquals(List.of(), proxy.requests());
    assertEquals(1, origin.requests("/pkg.tar.gz"));
  }

  @Test
  void noProxyWithAnotherPortDoesNotBypass() throws Exception {
    download(Map.of("HTTP_PROXY", "http://127.0.0.1:" + proxy.port(),
        "NO_PROXY", "127.0.0.1:" + (origin.port() == 1 ? 2 : origin.port() - 1)));

    assertEquals(1, proxy.requests().size());
  }

  @Test
  void httpsProxyIsNotUsedForHttpUrls() throws Exception {
    download(Map.of("HTTPS_PROXY", "http://127.0.0.1:" + proxy.port()));

    assertEquals(0, proxy.requests().size());
    assertEquals(1, origin.requests("/pkg.tar.gz"));
  }
}

package dev.sealbuild.prep.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Proxy;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EnvProxySelectorTest {
  private static final EnvProxySelector.ProxyAddress PROXY = new EnvProxySelector.ProxyAddress("proxy.corp", 3128, "HTTP_PROXY");

  private static Optional<EnvProxySelector.ProxyAddress> proxyFor(String noProxy, String url) {
    return EnvProxySelector.fromEnvironment(Map.of(
            "HTTP_PROXY", "http://proxy.corp:3128", "HTTPS_PROXY", "http://proxy.corp:3128", "NO_PROXY", noProxy))
        .proxyFor(URI.create(url));
  }

  private static boolean bypassed(String noProxy, String url) {
    return proxyFor(noProxy, url).isEmpty();
  }

  @Test
  void schemesUseTheirOwnVariable() {
    EnvProxySelector selector = EnvProxySelector.fromEnvironment(Map.of(
        "HTTP_PROXY", "http://plain.corp:8080", "https_proxy", "http://secure.corp:8443"));

    assertEquals(Optional.of(new EnvProxySelector.ProxyAddress("plain.corp", 8080, "HTTP_PROXY")),
        selector.proxyFor(URI.create("http://deb.example/x")));
    assertEquals(Optional.of(new EnvProxySelector.ProxyAddress("secure.corp", 8443, "https_proxy")),
        selector.proxyFor(URI.create("https://deb.example/x")));
  }

  @Test
  void noVariablesMeansDirect() {
    EnvProxySelector selector = EnvProxySelector.fromEnvironment(Map.of("HTTP_PROXY", "  "));

    assertEquals(List.of(Proxy.NO_PROXY), selector.select(URI.create("http://deb.example/x")));
    assertEquals(Optional.empty(), selector.proxyFor(URI.create("https://deb.example/x")));
  }

  @Test
  void proxyWithoutPortDefaultsToPort80() {
    assertEquals(Optional.of(new EnvProxySelector.ProxyAddress("proxy.corp", 80, "http_proxy")),
        EnvProxySelector.fromEnvironment(Map.of("http_proxy", "proxy.corp")).proxyFor(URI.create("http://a.example/")));
  }

  @Test
  void noProxyMatchesDomainsAndSubdomainsOnly() {
    assertTrue(bypassed("example.com", "https://example.com/x"));
    assertTrue(bypassed("example.com", "https://dl.example.com/x"));
    assertTrue(bypassed(".example.com", "https://dl.example.com/x"));
    assertTrue(bypassed(".example.com", "https://example.com/x"));
    assertTrue(bypassed("*.example.com", "https://dl.example.com/x"));
    assertTrue(bypassed("EXAMPLE.com", "https://Dl.Example.COM./x"));
    assertFalse(bypassed("example.com", "https://badexample.com/x"));
    assertFalse(bypassed("example.com", "https://example.com.evil/x"));
    assertFalse(bypassed("", "https://example.com/x"));
  }

  @Test
  void noProxyStarMatchesEverything() {
    assertTrue(bypassed("*", "http://anything.example/"));
    assertTrue(bypassed("foo, *", "https://10.1.2.3/"));
  }

  @Test
  void noProxyHostPortMatchesOnlyThatPort() {
    assertTrue(bypassed("registry.local:5000", "http://registry.local:5000/v2/"));
    assertFalse(bypassed("registry.local:5000", "http://registry.local/v2/"));
    assertTrue(bypassed("registry.local:443", "https://registry.local/v2/"));
  }

  @Test
  void noProxyIpLiteralsAndRanges() {
    assertTrue(bypassed("127.0.0.1", "http://127.0.0.1:8080/"));
    assertTrue(bypassed("::1", "http://[::1]:8080/"));
    assertTrue(bypassed("[0:0:0:0:0:0:0:1]:8080", "http://[::1]:8080/"));
    assertFalse(bypassed("[::1]:8080", "http://[::1]:9090/"));
    assertTrue(bypassed("10.0.0.0/8", "http://10.20.30.40/"));
    assertFalse(bypassed("10.0.0.0/8", "http://11.0.0.1/"));
    assertTrue(bypassed("192.168.1.0/24", "http://192.168.1.77/"));
    assertFalse(bypassed("192.168.1.0/24", "http://192.168.2.1/"));
    assertFalse(bypassed("10.0.0.0/8", "http://ten.example/"), "names are never resolved to match a range");
  }

  @Test
  void noProxyListIsCommaOrSpaceSeparated() {
    assertTrue(bypassed("a.example, b.example c.example", "http://c.example/"));
    assertEquals(Optional.of(PROXY), proxyFor("a.example,,b.example", "http://z.example/"));
  }

  @Test
  void unusableProxyValuesNameTheVariable() {
    TransportException socks = assertThrows(TransportException.class,
        () -> EnvProxySelector.fromEnvironment(Map.of("HTTPS_PROXY", "socks5://proxy.corp:1080")));
    assertEquals("invalid proxy in HTTPS_PROXY: only http:// proxies are supported, not socks5://;"
        + " expected http://HOST:PORT", socks.getMessage());

    TransportException credentials = assertThrows(TransportException.class,
        () -> EnvProxySelector.fromEnvironment(Map.of("http_proxy", "http://user:s3cret@proxy.corp:3128")));
    assertTrue(credentials.getMessage().contains("http_proxy"), credentials.getMessage());
    assertFalse(credentials.getMessage().contains("s3cret"), "never echo a password");

    TransportException garbage = assertThrows(TransportException.class,
        () -> EnvProxySelector.fromEnvironment(Map.of("HTTP_PROXY", "http://")));
    assertTrue(garbage.getMessage().startsWith("invalid proxy in HTTP_PROXY"), garbage.getMessage());
  }
}

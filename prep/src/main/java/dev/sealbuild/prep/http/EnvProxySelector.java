package dev.sealbuild.prep.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Chooses the proxy from the conventional environment variables: {@code http_proxy}/{@code HTTP_PROXY}
 * for http URLs, {@code https_proxy}/{@code HTTPS_PROXY} for https URLs (lowercase wins when both
 * are set), and {@code no_proxy}/{@code NO_PROXY} for hosts that bypass it. Only plain HTTP proxies
 * ({@code http://host[:port]}, port 80 by default) are supported, as by the JDK's HttpClient.
 */
public final class EnvProxySelector extends ProxySelector {
  /** A proxy's host and port (resolved only when a connection is made) and the variable that named it. */
  public record ProxyAddress(String host, int port, String variable) {
    @Override
    public String toString() {
      return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    }
  }

  private final Optional<ProxyAddress> httpProxy;
  private final Optional<ProxyAddress> httpsProxy;
  private final NoProxyRules noProxy;

  private EnvProxySelector(Optional<ProxyAddress> httpProxy, Optional<ProxyAddress> httpsProxy, NoProxyRules noProxy) {
    this.httpProxy = httpProxy;
    this.httpsProxy = httpsProxy;
    this.noProxy = noProxy;
  }

  /**
   * Reads the proxy variables from {@code environment} (pass {@code System.getenv()} at the edge).
   *
   * @throws TransportException naming the variable if a proxy value is unusable
   */
  public static EnvProxySelector fromEnvironment(Map<String, String> environment) {
    Objects.requireNonNull(environment, "environment");
    return new EnvProxySelector(
        proxyVariable(environment, "http_proxy", "HTTP_PROXY"),
        proxyVariable(environment, "https_proxy", "HTTPS_PROXY"),
        NoProxyRules.parse(variable(environment, "no_proxy", "NO_PROXY").orElse(null)));
  }

  /** The proxy a request to {@code uri} goes through, if any. */
  public Optional<ProxyAddress> proxyFor(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    Optional<ProxyAddress> proxy = switch (scheme) {
      case "http" -> httpProxy;
      case "https" -> httpsProxy;
      default -> Optional.empty();
    };
    if (proxy.isEmpty() || uri.getHost() == null) {
      return Optional.empty();
    }
    int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
    return noProxy.bypass(uri.getHost(), port) ? Optional.empty() : proxy;
  }

  @Override
  public List<Proxy> select(URI uri) {
    return proxyFor(uri)
        .map(p -> List.of(new Proxy(Proxy.Type.HTTP, new InetSocketAddress(p.host(), p.port()))))
        .orElse(List.of(Proxy.NO_PROXY));
  }

  @Override
  public void connectFailed(URI uri, SocketAddress address, IOException failure) {
    // there is only ever one candidate, so nothing to fall back to
  }

  private static Optional<String> variable(Map<String, String> environment, String lower, String upper) {
    String value = environment.get(lower);
    if (value == null || value.isBlank()) {
      value = environment.get(upper);
    }
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
  }

  private static Optional<ProxyAddress> proxyVariable(Map<String, String> environment, String lower, String upper) {
    String name = environment.get(lower) != null && !environment.get(lower).isBlank() ? lower : upper;
    return variable(environment, lower, upper).map(value -> parseProxy(name, value));
  }

  private static ProxyAddress parseProxy(String name, String value) {
    String withScheme = value.contains("://") ? value : "http://" + value;
    URI uri;
    try {
      uri = new URI(withScheme);
    } catch (URISyntaxException e) {
      throw invalid(name, "it is not a valid URL");
    }
    if (uri.getRawUserInfo() != null) {
      throw new TransportException(TransportException.Failure.INVALID, "proxy credentials in " + name
          + " are not supported; use a proxy that needs no login, or unset " + name);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http")) {
      throw invalid(name, "only http:// proxies are supported, not " + scheme + "://");
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      throw invalid(name, "it has no host");
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return new ProxyAddress(host, uri.getPort() == -1 ? 80 : uri.getPort(), name);
  }

  private static TransportException invalid(String name, String why) {
    return new TransportException(TransportException.Failure.INVALID, "invalid proxy in " + name + ": " + why + "; expected http://HOST:PORT");
  }
}

package dev.sealbuild.prep.registry;

import com.google.cloud.tools.jib.http.FailoverHttpClient;
import com.google.cloud.tools.jib.http.Request;
import com.google.cloud.tools.jib.http.Response;
import java.io.IOException;
import java.net.URL;

/**
 * Jib's HTTP client for registries allowed plain HTTP (loopback or listed insecure). Jib always tries HTTPS first
 * and fails over, but a plain-HTTP server may never answer a TLS hello (the attempt then hangs until the read
 * timeout), so requests for those registries go straight to HTTP.
 */
final class PlainHttpClient extends FailoverHttpClient {
  private final RegistrySettings settings;

  PlainHttpClient(RegistrySettings settings) {
    super(true, true, event -> {});
    this.settings = settings;
  }

  @Override
  public Response call(String httpMethod, URL url, Request request) throws IOException {
    if ("https".equals(url.getProtocol()) && settings.allowsPlainHttp(url.getAuthority())) {
      url = new URL("http", url.getHost(), url.getPort(), url.getFile());
    }
    return super.call(httpMethod, url, request);
  }
}

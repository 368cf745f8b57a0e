package dev.sealbuild.prep.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One HTTP request. {@code subject} names what it is for in error messages: the lock entry ({@code files[2]}),
 * the repository ({@code repository 'debian'}) or the image. Unless {@code htmlExpected}, a successful response with
 * Content-Type text/html is an error: it is almost always a login page, a captive portal or a wrong base URL.
 * Redirects are followed for GET and HEAD only. A request without {@code idempotent} (an upload step that a registry
 * may have half-applied) is retried only when it never reached the server.
 */
public record TransportRequest(String subject, URI url, String method, Map<String, String> headers, Body body,
                               boolean htmlExpected, boolean idempotent) {

  /** A request body, opened again for every attempt; {@code length} is sent as Content-Length. */
  public record Body(long length, Source source) {
    /** Opens the bytes to send. */
    @FunctionalInterface
    public interface Source {
      InputStream open() throws IOException;
    }

    public static Body of(byte[] bytes) {
      byte[] copy = bytes.clone();
      return new Body(copy.length, () -> new java.io.ByteArrayInputStream(copy));
    }
  }

  public TransportRequest {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(method, "method");
    headers = Map.copyOf(headers);
    if (!isHttp(url)) {
      throw new TransportException(TransportException.Failure.INVALID, "cannot fetch " + Failures.redact(url) + " for "
          + subject + ": only absolute http:// and https:// URLs can be fetched" + scheme(url) + "; fix the URL");
    }
  }

  /** A GET for a file or document (HTML refused). */
  public static TransportRequest get(String subject, URI url) {
    return new TransportRequest(subject, url, "GET", Map.of(), null, false, true);
  }

  public TransportRequest withMethod(String newMethod, Body newBody) {
    return new TransportRequest(subject, url, newMethod, headers, newBody, htmlExpected, idempotent);
  }

  public TransportRequest withUrl(URI newUrl) {
    return new TransportRequest(subject, newUrl, method, headers, body, htmlExpected, idempotent);
  }

  /** This request with one more header (replacing one of the same name). */
  public TransportRequest header(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.keySet().removeIf(existing -> existing.equalsIgnoreCase(name));
    if (value != null) {
      more.put(name, value);
    }
    return new TransportRequest(subject, url, method, more, body, htmlExpected, idempotent);
  }

  public TransportRequest expectingHtml() {
    return new TransportRequest(subject, url, method, headers, body, true, idempotent);
  }

  public TransportRequest notIdempotent() {
    return new TransportRequest(subject, url, method, headers, body, htmlExpected, false);
  }

  boolean followsRedirects() {
    return method.equals("GET") || method.equals("HEAD");
  }

  static boolean isHttp(URI url) {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    return (scheme.equals("http") || scheme.equals("https")) && url.getHost() != null;
  }

  private static String scheme(URI url) {
    return url.getScheme() == null ? "" : " (not " + url.getScheme() + "://)";
  }
}

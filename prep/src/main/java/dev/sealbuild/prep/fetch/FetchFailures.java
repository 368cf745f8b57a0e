package dev.sealbuild.prep.fetch;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;

/** Turns HTTP statuses and I/O failures into one-line reasons, and says which are worth a retry. */
final class FetchFailures {
  private FetchFailures() {}

  /** Why one attempt failed, and whether trying again can help. */
  record Classified(boolean permanent, String reason) {}

  private static final Map<Integer, String> REASONS = Map.ofEntries(
      Map.entry(300, "Multiple Choices"), Map.entry(301, "Moved Permanently"), Map.entry(302, "Found"),
      Map.entry(303, "See Other"), Map.entry(304, "Not Modified"), Map.entry(307, "Temporary Redirect"),
      Map.entry(308, "Permanent Redirect"), Map.entry(400, "Bad Request"), Map.entry(401, "Unauthorized"),
      Map.entry(402, "Payment Required"), Map.entry(403, "Forbidden"), Map.entry(404, "Not Found"),
      Map.entry(405, "Method Not Allowed"), Map.entry(406, "Not Acceptable"),
      Map.entry(407, "Proxy Authentication Required"), Map.entry(408, "Request Timeout"),
      Map.entry(409, "Conflict"), Map.entry(410, "Gone"), Map.entry(414, "URI Too Long"),
      Map.entry(416, "Range Not Satisfiable"), Map.entry(429, "Too Many Requests"),
      Map.entry(451, "Unavailable For Legal Reasons"), Map.entry(500, "Internal Server Error"),
      Map.entry(501, "Not Implemented"), Map.entry(502, "Bad Gateway"), Map.entry(503, "Service Unavailable"),
      Map.entry(504, "Gateway Timeout"), Map.entry(505, "HTTP Version Not Supported"));

  static String status(int code) {
    String text = REASONS.get(code);
    return text == null ? "HTTP " + code : "HTTP " + code + " " + text;
  }

  static boolean isTransientStatus(int code) {
    return code == 408 || code == 429 || (code >= 500 && code <= 599);
  }

  /** The permanent failure for a non-success, non-transient status. */
  static String permanentStatusReason(int code, Optional<String> location) {
    String status = status(code);
    if (code == 404 || code == 410) {
      return status + "; check the URL or run build lock again";
    }
    if (code == 401 || code == 403) {
      return status + "; the server refused access: check the URL (downloads needing a login are not supported)";
    }
    if (code == 407) {
      return status + "; the proxy wants a login: check HTTP_PROXY/HTTPS_PROXY and NO_PROXY";
    }
    if (code >= 300 && code < 400) {
      return status + location.map(l -> " to " + oneLine(l)).orElse("")
          + " was not followed (a redirect from https to http, or too many redirects); fix the URL";
    }
    if (code >= 400 && code < 500) {
      return status + "; check the URL";
    }
    return "unexpected " + status + "; check the URL";
  }

  /** Classifies a failed exchange; {@code proxy} is the proxy used for this URL, if any. */
  static Classified classify(IOException e, URI url, Optional<EnvProxySelector.ProxyAddress> proxy) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
        String host = url.getHost() + proxy.map(p -> " or proxy " + p.host()).orElse("");
        return new Classified(true, "unknown host " + host + " (DNS lookup failed); check the URL, DNS and proxy settings");
      }
      if (t instanceof SSLHandshakeException || t instanceof SSLPeerUnverifiedException
          || t instanceof CertificateException) {
        return new Classified(true, "TLS handshake failed: " + message(t)
            + "; check the URL, the system clock and the CA certificates");
      }
    }
    String via = proxy.map(p -> " (via proxy " + p + ")").orElse("");
    if (e instanceof HttpConnectTimeoutException) {
      return new Classified(false, "connect timed out" + via);
    }
    if (e instanceof HttpTimeoutException) {
      return new Classified(false, "timed out: " + message(e) + via);
    }
    if (e instanceof ConnectException) {
      String detail = e.getMessage() == null || e.getMessage().isBlank()
          ? "connection refused or host unreachable" : oneLine(e.getMessage());
      return new Classified(false, "cannot connect" + via + ": " + detail);
    }
    if (e instanceof EOFException || e.getCause() instanceof EOFException) {
      return new Classified(false, "connection closed before the response was complete" + via);
    }
    return new Classified(false, "network error" + via + ": " + message(e));
  }

  static String failed(String label, URI url, String reason) {
    return "fetch failed for " + oneLine(label) + " (" + redact(url) + "): " + reason;
  }

  /** The URL without user info, which could hold a password. */
  static String redact(URI url) {
    if (url.getRawUserInfo() == null) {
      return url.toString();
    }
    try {
      return new URI(url.getScheme(), null, url.getHost(), url.getPort(), url.getPath(), url.getQuery(),
          url.getFragment()).toString();
    } catch (URISyntaxException e) {
      return url.getScheme() + "://" + url.getHost();
    }
  }

  static String seconds(Duration duration) {
    long millis = duration.toMillis();
    return millis % 1000 == 0 ? millis / 1000 + " s" : String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
  }

  static String message(Throwable t) {
    String text = t.getMessage();
    if (text == null || text.isBlank()) {
      Throwable cause = t.getCause();
      return cause != null && cause != t ? message(cause) : t.getClass().getSimpleName();
    }
    return oneLine(text);
  }

  static String oneLine(String text) {
    String flat = text.replaceAll("[\\p{Cntrl}]+", " ").strip();
    return flat.length() > 300 ? flat.substring(0, 300) + "..." : flat;
  }
}

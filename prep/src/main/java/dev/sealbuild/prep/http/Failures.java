package dev.sealbuild.prep.http;

import dev.sealbuild.prep.http.TransportException.Failure;
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
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The one error text of the transport, and the words for what happened: HTTP statuses and I/O failures become
 * reasons a person can act on, and are sorted into those worth a retry and those that are not.
 */
public final class Failures {
  private Failures() {}

  static final String PROXY_VARIABLES = "HTTP_PROXY, HTTPS_PROXY and NO_PROXY";

  /** Why one attempt failed, whether trying again can help, and what to check. */
  record Classified(Failure failure, boolean permanent, boolean neverSent, String reason, String hint) {}

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

  /** {@code cannot fetch URL for SUBJECT: REASON (tried N times); HINT}, on one line. */
  static String text(TransportRequest request, URI url, String reason, int attempts, String hint) {
    String verb = request.method().equals("GET") || request.method().equals("HEAD") ? "cannot fetch " : "cannot upload to ";
    return oneLine(verb + redact(url) + " for " + request.subject() + ": " + reason
        + (attempts > 1 ? " (tried " + attempts + " times)" : "") + (hint == null || hint.isEmpty() ? "" : "; " + hint));
  }

  /** The error text for a failure found by a caller after a successful GET of {@code url} for {@code subject}. */
  public static String text(String subject, URI url, String reason, String hint) {
    return oneLine("cannot fetch " + redact(url) + " for " + subject + ": " + reason
        + (hint == null || hint.isEmpty() ? "" : "; " + hint));
  }

  static String status(int code) {
    String text = REASONS.get(code);
    return text == null ? "HTTP " + code : "HTTP " + code + " " + text;
  }

  static boolean isTransientStatus(int code) {
    return code == 408 || code == 429 || (code >= 500 && code <= 599);
  }

  /** What to check after a refused status. */
  static String statusHint(int code) {
    if (code == 404 || code == 410) {
      return "check the URL, or run build lock again if the file was pinned long ago";
    }
    if (code == 401 || code == 403) {
      return "the server refused access: check the URL and the credentials";
    }
    if (code == 407) {
      return "the proxy wants a login, which sealbuild does not support: check " + PROXY_VARIABLES;
    }
    if (code == 429) {
      return "the server is rate limiting: try again later";
    }
    if (code >= 500) {
      return "the server is failing: try again later or use another mirror";
    }
    return "check the URL";
  }

  static Failure statusFailure(int code) {
    return code == 404 || code == 410 ? Failure.NOT_FOUND : Failure.HTTP_STATUS;
  }

  /** Classifies a failed exchange; {@code proxy} is the proxy used for this URL, if any. */
  static Classified classify(IOException e, URI url, Optional<EnvProxySelector.ProxyAddress> proxy) {
    String networkHint = proxy.map(p -> "check " + p.variable() + " and NO_PROXY, and that the proxy is running")
        .orElse("check the URL and your network or proxy (" + PROXY_VARIABLES + ")");
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
        String host = proxy.map(p -> "proxy host " + p.host() + " (from " + p.variable() + ")").orElse("host " + url.getHost());
        return new Classified(Failure.NETWORK, true, true, "unknown " + host + " (DNS lookup failed)", networkHint);
      }
      if (t instanceof SSLHandshakeException || t instanceof SSLPeerUnverifiedException
          || t instanceof CertificateException) {
        return new Classified(Failure.NETWORK, true, false, "TLS handshake failed: " + message(t),
            "check the URL, the system clock and the CA certificates");
      }
    }
    String via = proxy.map(p -> " through proxy " + p + " (from " + p.variable() + ")").orElse("");
    if (e instanceof TimedBodyStream.DeadlineExceededException) {
      return new Classified(Failure.DEADLINE, true, false, "", "");
    }
    if (e instanceof TimedBodyStream.BelowMinimumRateException) {
      // a stall like the idle timeout's, and retried like it: another connection may find a faster path or server
      return new Classified(Failure.NETWORK, false, false, message(e) + via, "the mirror is too slow or stalled: try"
          + " again later, use another mirror, or lower " + TransportSettings.MIN_RATE_VARIABLE + " (0 turns the check"
          + " off)");
    }
    if (e instanceof HttpConnectTimeoutException) {
      String target = proxy.map(p -> "proxy " + p + " (from " + p.variable() + ")").orElse(hostPort(url));
      return new Classified(Failure.NETWORK, false, true, "connecting to " + target + " timed out", networkHint);
    }
    if (e instanceof HttpTimeoutException) {
      return new Classified(Failure.NETWORK, false, false, "timed out: " + message(e) + via, networkHint);
    }
    if (e instanceof ConnectException || e.getCause() instanceof ConnectException) {
      String target = proxy.map(p -> "proxy " + p + " (from " + p.variable() + ")").orElse(hostPort(url));
      String detail = connectDetail(e);
      return new Classified(Failure.NETWORK, false, true, detail.equals("connection refused")
          ? "connection refused by " + target : "cannot connect to " + target + ": " + detail, networkHint);
    }
    String text = String.valueOf(e.getMessage());
    if (proxy.isPresent() && text.startsWith("Unable to tunnel through proxy")) {
      return new Classified(Failure.NETWORK, false, true, "proxy " + proxy.get() + " (from " + proxy.get().variable()
          + ") did not open a tunnel: " + oneLine(text), networkHint);
    }
    if (e instanceof EOFException || e.getCause() instanceof EOFException) {
      return new Classified(Failure.NETWORK, false, false,
          "the connection closed before the response was complete" + via, networkHint);
    }
    return new Classified(Failure.NETWORK, false, false, "network error" + via + ": " + message(e), networkHint);
  }

  private static String connectDetail(IOException e) {
    ConnectException connect = e instanceof ConnectException c ? c : (ConnectException) e.getCause();
    if (connect.getMessage() == null || connect.getMessage().isBlank()) {
      return "connection refused"; // the JDK client's refused connection carries only a ClosedChannelException
    }
    String detail = connect.getMessage().toLowerCase(Locale.ROOT);
    if (detail.contains("refused")) {
      return "connection refused";
    }
    if (detail.contains("unreachable")) {
      return "network unreachable";
    }
    return message(connect);
  }

  private static String hostPort(URI url) {
    int port = url.getPort() != -1 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
    return url.getHost() + ":" + port;
  }

  /** The URL without user info, which could hold a password. */
  public static String redact(URI url) {
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
    return millis % 1000 == 0 ? millis / 1000 + " s" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
  }

  public static String message(Throwable t) {
    String text = t.getMessage();
    if (text == null || text.isBlank()) {
      Throwable cause = t.getCause();
      return cause != null && cause != t ? message(cause) : t.getClass().getSimpleName();
    }
    return oneLine(text);
  }

  public static String oneLine(String text) {
    String flat = String.valueOf(text).replaceAll("[\\s\\p{Cntrl}]+", " ").strip();
    return flat.length() > 500 ? flat.substring(0, 500) + "..." : flat;
  }
}

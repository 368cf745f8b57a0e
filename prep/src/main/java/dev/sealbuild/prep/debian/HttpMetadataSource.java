package dev.sealbuild.prep.debian;

import dev.sealbuild.prep.debian.DebianMetadataException.Kind;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * A {@link MetadataSource} over HTTP(S) with the JDK client: connect timeout, a timeout until the response headers
 * arrive, and a deadline for the whole body (the stream is closed under a stalled reader, so a read cannot block
 * forever). Redirects are followed
 * except from HTTPS to HTTP. Errors are one line naming the URL: 404/410 as
 * {@link DebianMetadataException.Kind#NOT_FOUND}, other non-2xx statuses, HTML pages served instead of data.
 */
public final class HttpMetadataSource implements MetadataSource {
  private static final Pattern SAFE_PATH =
      Pattern.compile("[A-Za-z0-9][A-Za-z0-9+._~-]*(/[A-Za-z0-9][A-Za-z0-9+._~-]*)*");

  /** Timeouts; the body deadline bounds a whole download, including a 10 MB index on a slow link. */
  public record Timeouts(Duration connect, Duration headers, Duration body) {
    public static final Timeouts DEFAULT =
        new Timeouts(Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofMinutes(15));
  }

  private final URI base;
  private final HttpClient client;
  private final Timeouts timeouts;

  /** @param baseUri the repository root, e.g. the {@code URIs:} value of an apt source */
  public HttpMetadataSource(URI baseUri, Timeouts timeouts) {
    Objects.requireNonNull(baseUri, "baseUri");
    String scheme = String.valueOf(baseUri.getScheme()).toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("repository URL must be http or https: " + baseUri);
    }
    String text = baseUri.toString();
    this.base = URI.create(text.endsWith("/") ? text : text + "/");
    this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
    this.client = HttpClient.newBuilder()
        .connectTimeout(timeouts.connect())
        .followRedirects(HttpClient.Redirect.NORMAL)
        .build();
  }

  public HttpMetadataSource(URI baseUri) {
    this(baseUri, Timeouts.DEFAULT);
  }

  @Override
  public String describe(String relativePath) {
    return base + relativePath;
  }

  @Override
  public InputStream open(String relativePath) throws IOException {
    if (!SAFE_PATH.matcher(relativePath).matches()) {
      throw new IllegalArgumentException("unsafe repository path '" + relativePath + "'");
    }
    URI uri = base.resolve(relativePath);
    HttpRequest request = HttpRequest.newBuilder(uri)
        .timeout(timeouts.headers())
        .header("User-Agent", "sealbuild")
        .GET()
        .build();
    HttpResponse<InputStream> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (HttpTimeoutException e) {
      throw new DebianMetadataException(Kind.TRANSFER_FAILED,
          "timed out after " + timeouts.headers().toSeconds() + " s waiting for " + uri, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DebianMetadataException(Kind.TRANSFER_FAILED, "interrupted while fetching " + uri, e);
    } catch (IOException e) {
      throw new DebianMetadataException(Kind.TRANSFER_FAILED, "cannot fetch " + uri + ": " + e, e);
    }
    int status = response.statusCode();
    InputStream body = response.body();
    if (status == 404 || status == 410) {
      body.close();
      throw new DebianMetadataException(Kind.NOT_FOUND, "not found (HTTP " + status + "): " + uri);
    }
    if (status < 200 || status > 299) {
      body.close();
      throw new DebianMetadataException(Kind.TRANSFER_FAILED, "HTTP " + status + " from " + uri);
    }
    String contentType = response.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
    if (contentType.startsWith("text/html") || contentType.startsWith("application/xhtml")) {
      body.close();
      throw new DebianMetadataException(Kind.HTML_INSTEAD_OF_DATA, "got an HTML page (" + contentType
          + ") instead of repository data from " + uri + "; check the repository URL or a captive portal/proxy");
    }
    return new DeadlineStream(body, uri);
  }

  /** Closes the body when the deadline passes, so a stalled server cannot block a read forever. */
  private final class DeadlineStream extends FilterInputStream {
    private final URI uri;
    private final AtomicBoolean expired = new AtomicBoolean();
    /** Completed by close(); times out (on the JDK's shared timer, cancelled on completion) if the reader stalls. */
    private final CompletableFuture<Void> finished = new CompletableFuture<>();

    DeadlineStream(InputStream in, URI uri) {
      super(in);
      this.uri = uri;
      finished.orTimeout(timeouts.body().toMillis(), TimeUnit.MILLISECONDS).whenComplete((ignored, error) -> {
        if (error instanceof TimeoutException) {
          expired.set(true);
          try {
            in.close();
          } catch (IOException closeFailed) {
            // the blocked reader gets the error
          }
        }
      });
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (IOException e) {
        throw translate(e);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        int n = super.read(b, off, len);
        if (n < 0 && expired.get()) {
          throw new IOException("closed");
        }
        return n;
      } catch (IOException e) {
        throw translate(e);
      }
    }

    private IOException translate(IOException e) {
      if (expired.get()) {
        return new DebianMetadataException(Kind.TRANSFER_FAILED,
            "download of " + uri + " did not finish within " + timeouts.body().toSeconds() + " s", e);
      }
      return new DebianMetadataException(Kind.TRANSFER_FAILED, "error reading " + uri + ": " + e, e);
    }

    @Override
    public void close() throws IOException {
      finished.complete(null);
      super.close();
    }
  }
}

package dev.sealbuild.prep.http;

import dev.sealbuild.prep.http.TransportException.Failure;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import javax.net.ssl.SSLContext;

/**
 * The one HTTP client of sealbuild; every online path (Debian and Alpine metadata and packages, pinned files,
 * registry manifests, blobs, tokens and pushes) goes through it. Built once per command from the environment:
 * <ul>
 *   <li>proxies from {@code http_proxy}/{@code HTTP_PROXY}, {@code https_proxy}/{@code HTTPS_PROXY} and
 *       {@code no_proxy}/{@code NO_PROXY}, as curl reads them;</li>
 *   <li>a connect timeout, an idle timeout (for the headers and for each chunk of the body), a minimum rate over a
 *       window for the body and an overall deadline per attempt, so a server that trickles a byte now and then is
 *       cut off;</li>
 *   <li>retries with exponential backoff and jitter on connection errors, timeouts, resets and 408/429/5xx, honouring
 *       Retry-After (seconds or an HTTP date) up to a cap; other statuses, unknown hosts and TLS errors fail at
 *       once;</li>
 *   <li>redirects followed for GET and HEAD, to http and https only and never from https to http; the Authorization
 *       header is not sent on to another host;</li>
 *   <li>an HTML page where a file or document was expected is an error;</li>
 *   <li>one error text, {@link TransportException}: {@code cannot fetch URL for SUBJECT: what happened (tried N
 *       times); what to check}.</li>
 * </ul>
 * Bodies are streamed, never buffered whole. Thread-safe; one instance serves all parallel downloads. {@link #close}
 * it when the command is done: the JVM otherwise waits about 0.3 s at exit for the client's idle selector thread.
 */
public final class Transport implements AutoCloseable {
  private static final int MAX_REDIRECTS = 10;

  private final TransportSettings settings;
  private final EnvProxySelector proxies;
  private final Backoff backoff;
  private final HttpClient.Builder clientBuilder;
  private HttpClient client;
  private boolean closed;

  public Transport(TransportSettings settings) {
    this(settings, null);
  }

  /** A transport that trusts what {@code tls} trusts instead of the JVM's CA certificates (for tests). */
  Transport(TransportSettings settings, SSLContext tls) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.proxies = EnvProxySelector.fromEnvironment(settings.environment());
    this.backoff = new Backoff(settings.retryPolicy(), settings.random());
    HttpClient.Builder builder = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(settings.connectTimeout())
        .proxy(proxies);
    if (tls != null) {
      builder.sslContext(tls);
    }
    this.clientBuilder = builder;
  }

  /**
   * Makes the HTTP client on a background thread, for a command that is about to fetch and has other start-up work
   * (reading the spec) to overlap it with; a failure there is left for the first request to report.
   */
  public void prepareInBackground() {
    Thread thread = new Thread(this::client, "sealbuild-http-client");
    thread.setDaemon(true);
    thread.setUncaughtExceptionHandler((t, e) -> { });
    thread.start();
  }

  /**
   * The HTTP client, made at the first request: making one loads the TLS stack and the JVM's CA certificates
   * (about a tenth of a second), which a command that finds everything cached never needs.
   */
  private synchronized HttpClient client() {
    if (closed) {
      throw new IllegalStateException("the transport is closed");
    }
    if (client == null) {
      client = clientBuilder.build();
    }
    return client;
  }

  /**
   * Stops the HTTP client's selector thread, once the requests are done. That thread waits in the kernel (epoll),
   * and the JVM gives any thread in native code up to 0.3 s to return before it exits: every command that fetched
   * paid that after its work was done. JDK 21 and later stop the client with their own {@code shutdownNow} (called
   * reflectively: this code is compiled for 17), which neither waits for an exchange whose body was left open nor
   * lets one go on; older JDKs have no such API, and there the client's selector thread (named
   * {@code HttpClient-<id>-SelectorManager}, the id the client's {@code toString} ends with) is interrupted, which
   * ends its loop and the client with it. Either way the thread is given a moment to end. Where neither applies,
   * nothing is lost but the 0.3 s. Requests after this fail.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (client == null) {
      return;
    }
    Optional<Thread> selector = selectorThread(client);
    if (!shutDownNow(client)) {
      selector.ifPresent(Thread::interrupt);
    }
    selector.ifPresent(thread -> {
      try {
        thread.join(1_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
  }

  /** JDK 21+'s {@code HttpClient.shutdownNow()}; false on a JDK without it. */
  private static boolean shutDownNow(HttpClient client) {
    try {
      HttpClient.class.getMethod("shutdownNow").invoke(client);
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return false;
    }
  }

  /** The client's selector thread, found by the name the JDK gives it. */
  static Optional<Thread> selectorThread(HttpClient client) {
    String text = client.toString();
    int open = text.lastIndexOf('(');
    if (open < 0 || !text.endsWith(")")) {
      return Optional.empty();
    }
    String name = "HttpClient-" + text.substring(open + 1, text.length() - 1) + "-SelectorManager";
    Thread[] threads = new Thread[Thread.activeCount() + 16];
    int count = Thread.enumerate(threads);
    for (int i = 0; i < count; i++) {
      if (threads[i].getName().equals(name)) {
        return Optional.of(threads[i]);
      }
    }
    return Optional.empty();
  }

  /** The transport for a command: defaults, with the proxies and overrides {@code environment} sets. */
  public static Transport fromEnvironment(Map<String, String> environment) {
    return new Transport(TransportSettings.fromEnvironment(environment));
  }

  public TransportSettings settings() {
    return settings;
  }

  /** The proxy a request to {@code url} goes through, if any. */
  public Optional<EnvProxySelector.ProxyAddress> proxyFor(URI url) {
    return proxies.proxyFor(url);
  }

  /**
   * GETs {@code request.url()} and hands the successful body to {@code consumer}, retrying the whole exchange
   * (including the consumer) on transient failures; an {@link IOException} from the consumer counts as one.
   *
   * @return what the consumer returned
   * @throws TransportException on a permanent failure, or once the attempts are used up
   * @throws TransportCancelledException if the thread was interrupted
   * @throws RuntimeException whatever unchecked exception the consumer threw, unchanged
   */
  public <T> T fetch(TransportRequest request, BodyConsumer<T> consumer) {
    Objects.requireNonNull(consumer, "consumer");
    return withRetries(request, false, (response, attempt) -> {
      try (InputStream stream = response.body()) {
        HttpResponse<InputStream> ok = requireSuccess(request, response, attempt);
        return consumer.consume(new ResponseBody(stream, ok.headers().firstValueAsLong("Content-Length"), ok.uri(),
            ok.headers().firstValue("Content-Type").orElse("")));
      }
    });
  }

  /**
   * Fetches a small document (metadata, an index, a manifest, a signature) into memory.
   *
   * @throws TransportException if the body is larger than {@code maxBytes}, or looks like an HTML page
   */
  public byte[] fetchSmall(TransportRequest request, int maxBytes) {
    if (maxBytes < 0 || maxBytes > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("maxBytes out of range: " + maxBytes);
    }
    return fetch(request, body -> {
      OptionalLong announced = body.contentLength();
      if (announced.isPresent() && announced.getAsLong() > maxBytes) {
        throw tooLarge(request, body.finalUrl(), " (it announces " + announced.getAsLong() + " bytes)", maxBytes);
      }
      byte[] data = body.stream().readNBytes(maxBytes + 1);
      if (data.length > maxBytes) {
        throw tooLarge(request, body.finalUrl(), "", maxBytes);
      }
      if (!request.htmlExpected() && looksLikeHtml(data)) {
        throw htmlInstead(request, body.finalUrl(), "a page starting with <html");
      }
      return data;
    });
  }

  /**
   * GETs {@code request.url()} and returns the successful body open for reading (retrying until the response
   * headers arrive). Read errors, the idle timeout and the deadline surface from the stream as
   * {@link TransportException}s. The caller closes the stream.
   *
   * @throws TransportException of failure {@link Failure#NOT_FOUND} for 404 and 410, others for everything else
   */
  public ResponseBody open(TransportRequest request) {
    return withRetries(request, false, (response, attempt) -> {
      HttpResponse<InputStream> ok = requireSuccess(request, response, attempt);
      return new ResponseBody(new TranslatingStream(ok.body(), request, ok.uri()),
          ok.headers().firstValueAsLong("Content-Length"), ok.uri(), ok.headers().firstValue("Content-Type").orElse(""));
    });
  }

  /**
   * Sends any request and returns the first response that is not worth a retry, whatever its status (registries
   * answer 401, 404, 201 and 202 with meaning), or the last 408/429/5xx once the attempts are used up (its body may
   * say why); the body is open and must be closed. A successful GET that is an HTML page is still an error unless
   * the request expects HTML.
   */
  public Response send(TransportRequest request) {
    return withRetries(request, true, (response, attempt) -> {
      int status = response.statusCode();
      if (status >= 200 && status < 300 && request.method().equals("GET") && !request.htmlExpected()) {
        refuseHtml(request, response);
      }
      return new Response(this, request, status, response.headers(), response.uri(),
          new TranslatingStream(response.body(), request, response.uri()));
    });
  }

  /** A failure in the transport's words, for a caller that finds an answer unusable. */
  TransportException failure(TransportRequest request, URI url, Failure failure, String reason, int attempts,
                             String hint) {
    return new TransportException(failure, Failures.text(request, url, reason, attempts, hint));
  }

  /** One attempt's work on a response that is not a transient failure; an IOException makes it transient. */
  @FunctionalInterface
  private interface Step<T> {
    T apply(HttpResponse<InputStream> response, int attempt) throws IOException;
  }

  private <T> T withRetries(TransportRequest request, boolean lastStatusToCaller, Step<T> step) {
    Objects.requireNonNull(request, "request");
    int maxAttempts = settings.retryPolicy().maxAttempts();
    for (int attempt = 1; ; attempt++) {
      long deadline = System.nanoTime() + settings.deadline().toNanos();
      Optional<Duration> retryAfter = Optional.empty();
      String reason;
      String hint;
      URI url = request.url();
      try {
        HttpResponse<InputStream> response = exchange(request, deadline);
        url = response.uri();
        int status = response.statusCode();
        boolean lastChance = attempt >= maxAttempts || (!request.idempotent() && status != 429 && status != 503);
        if (!Failures.isTransientStatus(status) || (lastStatusToCaller && lastChance)) {
          try {
            return step.apply(response, attempt);
          } catch (IOException e) {
            closeQuietly(response.body());
            throw e;
          }
        }
        closeQuietly(response.body());
        retryAfter = Backoff.parseRetryAfter(response.headers().firstValue("Retry-After").orElse(null),
            settings.clock().instant());
        reason = Failures.status(status);
        hint = Failures.statusHint(status);
        if (!request.idempotent() && status != 429 && status != 503) {
          throw failure(request, url, Failure.HTTP_STATUS, reason, attempt, hint);
        }
      } catch (IOException e) {
        if (Thread.currentThread().isInterrupted()) {
          throw cancelled(request);
        }
        Failures.Classified classified = Failures.classify(e, url, proxies.proxyFor(url));
        if (classified.failure() == Failure.DEADLINE) {
          throw deadlineExceeded(request, url, e);
        }
        if (classified.permanent() || (!request.idempotent() && !classified.neverSent())) {
          throw new TransportException(classified.failure(),
              Failures.text(request, url, classified.reason(), attempt, classified.hint()), e);
        }
        reason = classified.reason();
        hint = classified.hint();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw cancelled(request);
      } catch (RuntimeException e) {
        if (Thread.currentThread().isInterrupted() && !(e instanceof TransportCancelledException)) {
          TransportCancelledException cancelled = cancelled(request);
          cancelled.addSuppressed(e);
          throw cancelled;
        }
        throw e;
      }
      if (attempt >= maxAttempts) {
        throw new TransportException(reason.startsWith("HTTP ") ? Failure.HTTP_STATUS : Failure.NETWORK,
            Failures.text(request, url, reason, attempt, hint));
      }
      try {
        settings.sleeper().sleep(backoff.delayAfter(attempt, retryAfter));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw cancelled(request);
      }
    }
  }

  /** One exchange, following redirects for GET and HEAD. */
  private HttpResponse<InputStream> exchange(TransportRequest request, long deadline)
      throws IOException, InterruptedException {
    TransportRequest current = request;
    for (int redirects = 0; ; redirects++) {
      HttpResponse<InputStream> response = client().send(build(current, deadline),
          info -> new TimedBodyStream(settings.idleTimeout(), deadline, settings.minimumRate()));
      int status = response.statusCode();
      boolean redirect = status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
      if (!redirect || !request.followsRedirects()) {
        return response;
      }
      closeQuietly(response.body());
      String location = response.headers().firstValue("Location").orElse(null);
      if (location == null) {
        throw failure(request, current.url(), Failure.REDIRECT, Failures.status(status) + " without a Location", 1,
            "check the URL");
      }
      URI target;
      try {
        target = current.url().resolve(location.strip());
      } catch (IllegalArgumentException e) {
        throw failure(request, current.url(), Failure.REDIRECT, Failures.status(status) + " to an invalid URL '"
            + Failures.oneLine(location) + "'", 1, "check the URL");
      }
      checkRedirect(request, current.url(), target, redirects);
      current = sameOrigin(current.url(), target) ? current.withUrl(target)
          : current.withUrl(target).header("Authorization", null);
    }
  }

  private void checkRedirect(TransportRequest request, URI from, URI target, int redirects) {
    String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
    if (!TransportRequest.isHttp(target)) {
      throw failure(request, from, Failure.REDIRECT, "redirected to " + Failures.redact(target)
          + ", which is not followed: only http:// and https:// redirects are" + (scheme.isEmpty() ? "" : " (not "
          + scheme + "://)"), 1, "fix the URL");
    }
    if ("https".equalsIgnoreCase(from.getScheme()) && scheme.equals("http")) {
      throw failure(request, from, Failure.REDIRECT, "redirected from https to " + Failures.redact(target)
          + ", which is refused (it would drop TLS)", 1, "use a URL that stays on https");
    }
    if (redirects + 1 > MAX_REDIRECTS) {
      throw failure(request, from, Failure.REDIRECT, "more than " + MAX_REDIRECTS + " redirects", 1, "fix the URL");
    }
  }

  private static boolean sameOrigin(URI a, URI b) {
    return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
        && port(a) == port(b);
  }

  private static int port(URI url) {
    return url.getPort() != -1 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
  }

  private HttpRequest build(TransportRequest request, long deadline) throws IOException {
    long remaining = deadline - System.nanoTime();
    if (remaining <= 0) {
      throw new TimedBodyStream.DeadlineExceededException("deadline");
    }
    HttpRequest.Builder builder;
    try {
      builder = HttpRequest.newBuilder(request.url())
          .timeout(Duration.ofNanos(Math.min(settings.idleTimeout().toNanos(), remaining)))
          .header("User-Agent", settings.userAgent());
      request.headers().forEach(builder::header);
    } catch (IllegalArgumentException e) {
      throw failure(request, request.url(), Failure.INVALID, "invalid request: " + Failures.message(e), 1,
          "fix the URL");
    }
    TransportRequest.Body body = request.body();
    HttpRequest.BodyPublisher publisher = body == null || body.length() == 0 ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> {
          try {
            return body.source().open();
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }), body.length());
    return builder.method(request.method(), publisher).build();
  }

  private HttpResponse<InputStream> requireSuccess(TransportRequest request, HttpResponse<InputStream> response,
                                                   int attempt) {
    int status = response.statusCode();
    if (status >= 200 && status < 300 && status != 206) {
      if (!request.htmlExpected()) {
        refuseHtml(request, response);
      }
      return response;
    }
    closeQuietly(response.body());
    String reason = Failures.status(status);
    if (status >= 300 && status < 400) {
      reason += response.headers().firstValue("Location").map(l -> " to " + Failures.oneLine(l)).orElse("")
          + " was not followed";
    }
    throw failure(request, response.uri(), Failures.statusFailure(status), reason, attempt, Failures.statusHint(status));
  }

  private void refuseHtml(TransportRequest request, HttpResponse<InputStream> response) {
    String contentType = response.headers().firstValue("Content-Type").orElse("");
    String type = contentType.toLowerCase(Locale.ROOT).strip();
    if (type.startsWith("text/html") || type.startsWith("application/xhtml+xml")) {
      closeQuietly(response.body());
      throw htmlInstead(request, response.uri(), "Content-Type " + Failures.oneLine(contentType));
    }
  }

  private TransportException htmlInstead(TransportRequest request, URI url, String evidence) {
    return failure(request, url, Failure.HTML_INSTEAD_OF_DATA, "the server sent an HTML page (" + evidence
        + ") instead of the file", 1, "the URL probably points to a web page, a login page or a captive portal:"
        + " check it and your proxy");
  }

  /** True when a body that should be data starts like an HTML document. */
  static boolean looksLikeHtml(byte[] data) {
    String head = new String(data, 0, Math.min(data.length, 256), java.nio.charset.StandardCharsets.ISO_8859_1)
        .stripLeading().toLowerCase(Locale.ROOT);
    return head.startsWith("<!doctype html") || head.startsWith("<html");
  }

  private TransportException deadlineExceeded(TransportRequest request, URI url, IOException cause) {
    return new TransportException(Failure.DEADLINE, Failures.text(request, url, "the transfer did not finish within "
        + Failures.seconds(settings.deadline()) + " (the deadline per request)", 1,
        "the server is too slow; try again later, use another mirror, or raise SEALBUILD_HTTP_DEADLINE"), cause);
  }

  private TransportException tooLarge(TransportRequest request, URI url, String announced, int maxBytes) {
    return failure(request, url, Failure.TOO_LARGE, "the response is larger than the limit of " + maxBytes + " bytes"
        + announced, 1, "check the URL");
  }

  private static TransportCancelledException cancelled(TransportRequest request) {
    return new TransportCancelledException(Failures.text(request, request.url(), "cancelled", 1, null));
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      // the connection is discarded anyway
    }
  }

  /** A body whose read failures are already the transport's error text (for callers that stream it). */
  private final class TranslatingStream extends FilterInputStream {
    private final TransportRequest request;
    private final URI url;

    TranslatingStream(InputStream in, TransportRequest request, URI url) {
      super(in);
      this.request = request;
      this.url = url;
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
        return super.read(b, off, len);
      } catch (IOException e) {
        throw translate(e);
      }
    }

    private RuntimeException translate(IOException e) {
      if (Thread.currentThread().isInterrupted()) {
        return cancelled(request);
      }
      Failures.Classified classified = Failures.classify(e, url, proxies.proxyFor(url));
      if (classified.failure() == Failure.DEADLINE) {
        return deadlineExceeded(request, url, e);
      }
      return new TransportException(classified.failure(), Failures.text(request, url,
          "reading the response failed: " + classified.reason(), 1, classified.hint()), e);
    }
  }
}

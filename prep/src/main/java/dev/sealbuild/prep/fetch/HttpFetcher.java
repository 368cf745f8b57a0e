package dev.sealbuild.prep.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Downloads over HTTP(S) with the JDK's HttpClient: follows redirects (never https to http),
 * applies connect and read timeouts, uses the proxies from the environment, and retries transient
 * failures (connection errors, timeouts, resets, 408/429/5xx) with exponential backoff and jitter,
 * honouring Retry-After up to a cap. Permanent failures (404, 401/403, other 4xx, unknown host,
 * TLS errors) fail at once. Every failure is a {@link FetchException} whose one-line message names
 * the caller's label and the URL. Bodies are streamed to the caller, never buffered whole.
 *
 * <p>Thread-safe; one instance serves all parallel downloads.
 */
public final class HttpFetcher {
  private final FetchSettings settings;
  private final EnvProxySelector proxies;
  private final Backoff backoff;
  private final HttpClient client;

  public HttpFetcher(FetchSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.proxies = EnvProxySelector.fromEnvironment(settings.environment());
    this.backoff = new Backoff(settings.retryPolicy(), settings.random());
    this.client = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NORMAL)
        .connectTimeout(settings.connectTimeout())
        .proxy(proxies)
        .build();
  }

  /**
   * GETs {@code request.url()} and hands the successful body to {@code consumer}, retrying the whole
   * exchange (including the consumer) on transient failures.
   *
   * @return what the consumer returned
   * @throws FetchException on a permanent failure, or once the attempts are used up
   * @throws FetchCancelledException if the thread was interrupted
   * @throws RuntimeException whatever unchecked exception the consumer threw, unchanged
   */
  public <T> T fetch(FetchRequest request, BodyConsumer<T> consumer) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(consumer, "consumer");
    int maxAttempts = settings.retryPolicy().maxAttempts();
    for (int attempt = 1; ; attempt++) {
      Attempt<T> outcome = attempt(request, consumer);
      if (outcome.succeeded()) {
        return outcome.value();
      }
      if (attempt >= maxAttempts) {
        throw new FetchException(FetchFailures.failed(request.label(), request.url(),
            outcome.failure() + " (gave up after " + maxAttempts + (maxAttempts == 1 ? " attempt" : " attempts")
                + "); check the network and proxy settings, or try again later"));
      }
      try {
        settings.sleeper().sleep(backoff.delayAfter(attempt, outcome.retryAfter()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw cancelled(request);
      }
    }
  }

  /**
   * Fetches a small document (metadata, an index, a signature) into memory.
   *
   * @throws FetchException if the body is larger than {@code maxBytes}
   */
  public byte[] fetchSmall(FetchRequest request, int maxBytes) {
    if (maxBytes < 0 || maxBytes > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("maxBytes out of range: " + maxBytes);
    }
    return fetch(request, body -> {
      OptionalLong announced = body.contentLength();
      if (announced.isPresent() && announced.getAsLong() > maxBytes) {
        throw tooLarge(request, " (it announces " + announced.getAsLong() + " bytes)", maxBytes);
      }
      byte[] data = body.stream().readNBytes(maxBytes + 1);
      if (data.length > maxBytes) {
        throw tooLarge(request, "", maxBytes);
      }
      return data;
    });
  }

  /** Either the consumer's value, or why this attempt failed transiently (permanent failures are thrown). */
  private record Attempt<T>(boolean succeeded, T value, String failure, Optional<Duration> retryAfter) {
    static <T> Attempt<T> success(T value) {
      return new Attempt<>(true, value, null, Optional.empty());
    }

    static <T> Attempt<T> transientFailure(String failure, Optional<Duration> retryAfter) {
      return new Attempt<>(false, null, failure, retryAfter);
    }
  }

  private <T> Attempt<T> attempt(FetchRequest request, BodyConsumer<T> consumer) {
    try {
      HttpResponse<InputStream> response = send(request);
      try (InputStream stream = response.body()) {
        int status = response.statusCode();
        if (status >= 200 && status < 300 && status != 206) {
          String contentType = response.headers().firstValue("Content-Type").orElse("");
          if (!request.htmlExpected() && isHtml(contentType)) {
            throw new FetchException(FetchFailures.failed(request.label(), request.url(),
                "the server sent an HTML page (Content-Type " + FetchFailures.oneLine(contentType)
                    + ") instead of the file; the URL probably points to a web page, a login page"
                    + " or a captive portal: check it"));
          }
          OptionalLong length = response.headers().firstValueAsLong("Content-Length");
          ResponseBody body = new ResponseBody(stream, length, response.uri(), contentType);
          return Attempt.success(consumer.consume(body));
        }
        if (FetchFailures.isTransientStatus(status)) {
          Optional<Duration> retryAfter = Backoff.parseRetryAfter(
              response.headers().firstValue("Retry-After").orElse(null), settings.clock().instant());
          return Attempt.transientFailure(FetchFailures.status(status), retryAfter);
        }
        throw new FetchException(FetchFailures.failed(request.label(), request.url(),
            FetchFailures.permanentStatusReason(status, response.headers().firstValue("Location"))));
      }
    } catch (IOException e) {
      if (Thread.currentThread().isInterrupted()) {
        throw cancelled(request);
      }
      FetchFailures.Classified classified = FetchFailures.classify(e, request.url(), proxies.proxyFor(request.url()));
      if (classified.permanent()) {
        throw new FetchException(FetchFailures.failed(request.label(), request.url(), classified.reason()), e);
      }
      return Attempt.transientFailure(classified.reason(), Optional.empty());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw cancelled(request);
    } catch (RuntimeException e) {
      if (Thread.currentThread().isInterrupted() && !(e instanceof FetchCancelledException)) {
        FetchCancelledException cancelled = cancelled(request);
        cancelled.addSuppressed(e);
        throw cancelled;
      }
      throw e;
    }
  }

  private HttpResponse<InputStream> send(FetchRequest request) throws IOException, InterruptedException {
    HttpRequest httpRequest;
    try {
      httpRequest = HttpRequest.newBuilder(request.url())
          .GET()
          .timeout(settings.readTimeout())
          .header("User-Agent", settings.userAgent())
          .build();
    } catch (IllegalArgumentException e) {
      throw new FetchException(FetchFailures.failed(request.label(), request.url(),
          "invalid URL: " + FetchFailures.message(e) + "; fix the URL"), e);
    }
    return client.send(httpRequest, info -> new TimedBodyStream(settings.readTimeout()));
  }

  private static boolean isHtml(String contentType) {
    String type = contentType.toLowerCase(Locale.ROOT).strip();
    return type.startsWith("text/html") || type.startsWith("application/xhtml+xml");
  }

  private static FetchException tooLarge(FetchRequest request, String announced, int maxBytes) {
    return new FetchException(FetchFailures.failed(request.label(), request.url(),
        "the response is larger than the limit of " + maxBytes + " bytes" + announced + "; check the URL"));
  }

  private static FetchCancelledException cancelled(FetchRequest request) {
    return new FetchCancelledException(FetchFailures.failed(request.label(), request.url(), "cancelled"));
  }
}

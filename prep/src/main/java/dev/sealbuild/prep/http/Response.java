package dev.sealbuild.prep.http;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.util.Optional;

/**
 * A response {@link Transport#send} returned: any status that is not worth a retry, with the body still open.
 * {@code url} is where it came from after redirects. The caller reads what it needs and closes it.
 */
public final class Response implements Closeable {
  private final Transport transport;
  private final TransportRequest request;
  private final int status;
  private final HttpHeaders headers;
  private final URI url;
  private final InputStream body;

  Response(Transport transport, TransportRequest request, int status, HttpHeaders headers, URI url, InputStream body) {
    this.transport = transport;
    this.request = request;
    this.status = status;
    this.headers = headers;
    this.url = url;
    this.body = body;
  }

  public int status() {
    return status;
  }

  public URI url() {
    return url;
  }

  public Optional<String> header(String name) {
    return headers.firstValue(name);
  }

  /** The body, whose read errors are already the transport's one error text. */
  public InputStream body() {
    return body;
  }

  /**
   * Reads the whole body, refusing more than {@code limit} bytes with the transport's error text.
   *
   * @throws TransportException if the body is larger, or reading it fails
   */
  public byte[] readAtMost(int limit) {
    try (InputStream in = body) {
      byte[] bytes = in.readNBytes(limit + 1);
      if (bytes.length > limit) {
        throw transport.failure(request, url, TransportException.Failure.TOO_LARGE,
            "the response is larger than the limit of " + limit + " bytes", 1, "check the URL");
      }
      return bytes;
    } catch (IOException e) {
      throw transport.failure(request, url, TransportException.Failure.NETWORK,
          "reading the response failed: " + Failures.message(e), 1, null);
    }
  }

  /** The first {@code limit} bytes of the body (for an error document); the rest is dropped. */
  public byte[] readPrefix(int limit) {
    try (InputStream in = body) {
      return in.readNBytes(limit);
    } catch (IOException | TransportException e) {
      return new byte[0];
    }
  }

  /**
   * A failure for this response's status in the transport's words: a registry or repository that answers
   * with a status the caller cannot use.
   */
  public TransportException statusFailure(String extraHint) {
    close();
    return transport.failure(request, url, Failures.statusFailure(status), Failures.status(status), 1,
        extraHint != null ? extraHint : Failures.statusHint(status));
  }

  @Override
  public void close() {
    try {
      body.close();
    } catch (IOException e) {
      // the connection is discarded anyway
    }
  }
}

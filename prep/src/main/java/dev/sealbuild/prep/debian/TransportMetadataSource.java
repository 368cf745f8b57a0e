package dev.sealbuild.prep.debian;

import dev.sealbuild.prep.debian.DebianMetadataException.Kind;
import dev.sealbuild.prep.http.Transport;
import dev.sealbuild.prep.http.TransportException;
import dev.sealbuild.prep.http.TransportRequest;
import java.io.InputStream;
import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A {@link MetadataSource} over the {@link Transport}: proxies, timeouts, the deadline, retries, redirects and HTML
 * detection are the transport's, and so is the error text, which names the repository. A 404 or 410 is a
 * {@link DebianMetadataException} of kind {@link Kind#NOT_FOUND} (the reader falls back to another index name);
 * every other failure is the transport's {@link TransportException}.
 */
public final class TransportMetadataSource implements MetadataSource {
  private static final Pattern SAFE_PATH =
      Pattern.compile("[A-Za-z0-9][A-Za-z0-9+._~-]*(/[A-Za-z0-9][A-Za-z0-9+._~-]*)*");

  private final Transport transport;
  private final URI base;
  private final String subject;

  /**
   * @param baseUri the repository root, e.g. the {@code URIs:} value of an apt source
   * @param subject what the files are for in messages, e.g. {@code repository 'debian'}
   */
  public TransportMetadataSource(Transport transport, URI baseUri, String subject) {
    this.transport = Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(baseUri, "baseUri");
    this.subject = Objects.requireNonNull(subject, "subject");
    String scheme = String.valueOf(baseUri.getScheme()).toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("repository URL must be http or https: " + baseUri);
    }
    String text = baseUri.toString();
    this.base = URI.create(text.endsWith("/") ? text : text + "/");
  }

  @Override
  public String describe(String relativePath) {
    return base + relativePath;
  }

  @Override
  public InputStream open(String relativePath) throws DebianMetadataException {
    if (!SAFE_PATH.matcher(relativePath).matches()) {
      throw new IllegalArgumentException("unsafe repository path '" + relativePath + "'");
    }
    try {
      return transport.open(TransportRequest.get(subject, base.resolve(relativePath))).stream();
    } catch (TransportException e) {
      if (e.failure() == TransportException.Failure.NOT_FOUND) {
        throw new DebianMetadataException(Kind.NOT_FOUND, e.getMessage(), e);
      }
      throw e;
    }
  }
}

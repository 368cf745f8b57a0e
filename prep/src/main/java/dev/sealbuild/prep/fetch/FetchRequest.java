package dev.sealbuild.prep.fetch;

import java.net.URI;
import java.util.Objects;

/**
 * One GET request. {@code label} names the lock entry in error messages (e.g. {@code files[2]}).
 * Unless {@code htmlExpected}, a response with Content-Type text/html is an error: it is almost
 * always a download page, login page or captive portal served instead of the file.
 */
public record FetchRequest(String label, URI url, boolean htmlExpected) {
  public FetchRequest {
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(url, "url");
    String scheme = url.getScheme();
    if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https")) || url.getHost() == null) {
      throw new FetchException("fetch failed for " + label + " (" + FetchFailures.redact(url)
          + "): only absolute http:// and https:// URLs can be downloaded; fix the URL");
    }
  }

  /** A request for binary content (HTML responses rejected). */
  public static FetchRequest of(String label, URI url) {
    return new FetchRequest(label, url, false);
  }

  public FetchRequest expectingHtml() {
    return new FetchRequest(label, url, true);
  }
}

package dev.sealbuild.prep.http;

import dev.sealbuild.formats.UserError;

/**
 * A request failed or could not be set up. The message is the transport's one error text: the URL, the lock entry or
 * other subject it was for, what happened in words, how often it was tried, and what to check.
 */
public class TransportException extends UserError {
  private static final long serialVersionUID = 1L;

  /** What went wrong, for callers that act on it (a 404 may have a fallback; nothing else does). */
  public enum Failure {
    /** HTTP 404 or 410. */
    NOT_FOUND,
    /** Another refused status (4xx), or a transient one (408, 429, 5xx) after the last attempt. */
    HTTP_STATUS,
    /** An HTML page arrived where a file or a document was expected. */
    HTML_INSTEAD_OF_DATA,
    /** No connection, a reset, an idle timeout, a body below the minimum rate, a DNS or TLS failure. */
    NETWORK,
    /** The request did not finish within its overall deadline. */
    DEADLINE,
    /** A redirect that is not followed (https to http, another scheme, too many). */
    REDIRECT,
    /** More bytes than the caller allows. */
    TOO_LARGE,
    /** The URL or a proxy setting is unusable. */
    INVALID,
    /** The thread was interrupted. */
    CANCELLED
  }

  private final Failure failure;

  public TransportException(Failure failure, String message) {
    super(message);
    this.failure = failure;
  }

  public TransportException(Failure failure, String message, Throwable cause) {
    super(message, cause);
    this.failure = failure;
  }

  public Failure failure() {
    return failure;
  }
}

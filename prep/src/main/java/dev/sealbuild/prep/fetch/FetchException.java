package dev.sealbuild.prep.fetch;

/** A download failed or could not be set up. The message is one line naming the entry and URL. */
public class FetchException extends RuntimeException {
  public FetchException(String message) {
    super(message);
  }

  public FetchException(String message, Throwable cause) {
    super(message, cause);
  }
}

package dev.sealbuild.prep.fetch;

import dev.sealbuild.formats.UserError;

/** A download failed or could not be set up. The message is one line naming the entry and URL. */
public class FetchException extends UserError {
  public FetchException(String message) {
    super(message);
  }

  public FetchException(String message, Throwable cause) {
    super(message, cause);
  }
}

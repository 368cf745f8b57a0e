package dev.sealbuild.prep.alpine;

import dev.sealbuild.formats.UserError;

/**
 * Bad Alpine input: a malformed or oversized index, package or version, a failed verification, or an
 * unsatisfiable request. The message is one line naming the culprit and what to do.
 */
public class ApkException extends UserError {
  private static final long serialVersionUID = 1L;

  public ApkException(String message) {
    super(message);
  }

  public ApkException(String message, Throwable cause) {
    super(message, cause);
  }
}

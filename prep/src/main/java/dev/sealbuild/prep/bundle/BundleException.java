package dev.sealbuild.prep.bundle;

import dev.sealbuild.formats.UserError;

/** A cache bundle could not be written or read. The message is one line. */
public class BundleException extends UserError {
  public BundleException(String message) {
    super(message);
  }

  public BundleException(String message, Throwable cause) {
    super(message, cause);
  }
}

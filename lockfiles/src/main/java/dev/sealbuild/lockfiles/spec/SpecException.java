package dev.sealbuild.lockfiles.spec;

import dev.sealbuild.formats.UserError;

/** A spec that cannot be used; the message is one line naming the file, the place and the fix. */
public class SpecException extends UserError {
  public SpecException(String message) {
    super(message);
  }

  public SpecException(String message, Throwable cause) {
    super(message, cause);
  }
}

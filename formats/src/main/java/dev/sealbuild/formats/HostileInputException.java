package dev.sealbuild.formats;

import dev.sealbuild.formats.UserError;

/** An archive or entry that breaks the rules of the image tree (escapes, loops, limits). One-line message. */
public class HostileInputException extends UserError {
  public HostileInputException(String message) {
    super(message);
  }
}

package dev.sealbuild.prep.push;

import dev.sealbuild.formats.UserError;

/** A source or destination that cannot be pushed; the message is one line naming it and what to do. */
public final class PushException extends UserError {
  private static final long serialVersionUID = 1L;

  public PushException(String message) {
    super(oneLine(message));
  }

  public PushException(String message, Throwable cause) {
    super(oneLine(message), cause);
  }

  private static String oneLine(String text) {
    String flat = String.valueOf(text).replaceAll("[\\s\\p{Cntrl}]+", " ").trim();
    return flat.length() > 500 ? flat.substring(0, 500) + "..." : flat;
  }
}

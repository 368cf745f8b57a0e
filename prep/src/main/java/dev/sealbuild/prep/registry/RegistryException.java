package dev.sealbuild.prep.registry;

import dev.sealbuild.formats.UserError;

/** A registry or reference problem; the message is one line naming the image reference and what to do. */
public final class RegistryException extends UserError {
  private static final long serialVersionUID = 1L;

  public RegistryException(String message) {
    super(oneLine(message));
  }

  public RegistryException(String message, Throwable cause) {
    super(oneLine(message), cause);
  }

  /** Collapses whitespace and control characters (server text can contain anything) and caps the length. */
  static String oneLine(String text) {
    String flat = String.valueOf(text).replaceAll("[\\s\\p{Cntrl}]+", " ").trim();
    return flat.length() > 500 ? flat.substring(0, 500) + "..." : flat;
  }
}

package dev.sealbuild.formats.deb822;

import dev.sealbuild.formats.UserError;

/** deb822 text that breaks the format's rules; the message names the source and the line. */
public class Deb822Exception extends UserError {
  public Deb822Exception(String message) {
    super(message);
  }
}

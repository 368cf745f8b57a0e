package dev.sealbuild.cli;

import dev.sealbuild.formats.UserError;

/** A failure the user can act on; printed as one line. */
final class CliException extends UserError {
  CliException(String message) {
    super(message);
  }
}

package dev.sealbuild.cli;

/** A failure the user can act on; printed as one line. */
final class CliException extends RuntimeException {
  CliException(String message) {
    super(message);
  }
}

package dev.sealbuild.lockfiles.lock;

import dev.sealbuild.formats.UserError;

/** A lockfile that is missing, malformed or does not match its spec. One-line message. */
public class LockException extends UserError {
  public LockException(String message) {
    super(message);
  }
}

package dev.sealbuild.lockfiles.lock;

/** A lockfile that is missing, malformed or does not match its spec. One-line message. */
public class LockException extends RuntimeException {
  public LockException(String message) {
    super(message);
  }
}

package dev.sealbuild.prep.cache;

/** The bytes received do not have the size or sha256 recorded in the lock; nothing was stored. */
public final class ContentMismatchException extends CacheException {
  public ContentMismatchException(String message) {
    super(message);
  }
}

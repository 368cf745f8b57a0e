package dev.sealbuild.builder.cache;

/** A cache entry that is missing, unreadable or corrupt. One-line message that says to run build prep. */
public class CacheException extends RuntimeException {
  public CacheException(String message) {
    super(message);
  }
}

package dev.sealbuild.prep.cache;

/** A problem with the vendor cache itself or with content written to it. The message is one line. */
public class CacheException extends RuntimeException {
  public CacheException(String message) {
    super(message);
  }

  public CacheException(String message, Throwable cause) {
    super(message, cause);
  }
}

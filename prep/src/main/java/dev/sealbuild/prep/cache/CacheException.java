package dev.sealbuild.prep.cache;

import dev.sealbuild.formats.UserError;

/** A problem with the vendor cache itself or with content written to it. The message is one line. */
public class CacheException extends UserError {
  public CacheException(String message) {
    super(message);
  }

  public CacheException(String message, Throwable cause) {
    super(message, cause);
  }
}

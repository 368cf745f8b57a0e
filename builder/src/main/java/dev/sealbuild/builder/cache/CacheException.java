package dev.sealbuild.builder.cache;

import dev.sealbuild.formats.UserError;

/** A cache entry that is missing, unreadable or corrupt. One-line message that says to run build prep. */
public class CacheException extends UserError {
  public CacheException(String message) {
    super(message);
  }
}

package dev.sealbuild.prep.cacheregistry;

import dev.sealbuild.formats.UserError;

/** A vendor cache in a registry could not be pushed or read as asked. The message is one line. */
public class CacheRegistryException extends UserError {
  public CacheRegistryException(String message) {
    super(message);
  }

  public CacheRegistryException(String message, Throwable cause) {
    super(message, cause);
  }
}

package dev.sealbuild.prep.packages;

import dev.sealbuild.formats.UserError;

/** A package source that cannot be used: one line naming the repository or package and what to do. */
public class PackageException extends UserError {
  public PackageException(String message) {
    super(message);
  }

  public PackageException(String message, Throwable cause) {
    super(message, cause);
  }
}

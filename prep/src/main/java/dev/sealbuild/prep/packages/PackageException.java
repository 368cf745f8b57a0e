package dev.sealbuild.prep.packages;

/** A package source that cannot be used: one line naming the repository or package and what to do. */
public class PackageException extends RuntimeException {
  public PackageException(String message) {
    super(message);
  }

  public PackageException(String message, Throwable cause) {
    super(message, cause);
  }
}

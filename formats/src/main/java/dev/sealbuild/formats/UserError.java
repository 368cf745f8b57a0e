package dev.sealbuild.formats;

/**
 * A failure the user can act on: bad input, a wrong hash, a dead mirror, a missing cache entry. The message is one
 * line naming the culprit; {@link #hint()} says what to do; {@link #exitCode()} is what the command exits with.
 * Anything that is not a {@code UserError} (or an I/O error from the host) is a bug in sealbuild and is reported as
 * an internal error.
 */
public class UserError extends RuntimeException {
  /** The exit code of a user error unless a subclass says otherwise. */
  public static final int EXIT_USER_ERROR = 1;

  private final String hint;
  private final int exitCode;

  public UserError(String message) {
    this(message, null, EXIT_USER_ERROR, null);
  }

  public UserError(String message, Throwable cause) {
    this(message, null, EXIT_USER_ERROR, cause);
  }

  public UserError(String message, String hint) {
    this(message, hint, EXIT_USER_ERROR, null);
  }

  public UserError(String message, String hint, int exitCode, Throwable cause) {
    super(message, cause);
    this.hint = hint;
    this.exitCode = exitCode;
  }

  /** What to do about it, or {@code null} when the message already says. */
  public String hint() {
    return hint;
  }

  public int exitCode() {
    return exitCode;
  }
}

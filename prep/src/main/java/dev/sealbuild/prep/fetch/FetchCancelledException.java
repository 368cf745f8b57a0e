package dev.sealbuild.prep.fetch;

/** The download was cancelled (interrupted); partial files were removed. */
public final class FetchCancelledException extends FetchException {
  public FetchCancelledException(String message) {
    super(message);
  }
}

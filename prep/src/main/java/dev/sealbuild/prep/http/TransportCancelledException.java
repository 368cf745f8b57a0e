package dev.sealbuild.prep.http;

/** The request was cancelled (the thread was interrupted); partial downloads are removed by their owners. */
public final class TransportCancelledException extends TransportException {
  private static final long serialVersionUID = 1L;

  public TransportCancelledException(String message) {
    super(Failure.CANCELLED, message);
  }
}

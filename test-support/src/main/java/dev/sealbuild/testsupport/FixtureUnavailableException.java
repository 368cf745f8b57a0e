package dev.sealbuild.testsupport;

/** No place had the fixture: the message is one line naming the file and every place that was tried. */
public final class FixtureUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public FixtureUnavailableException(String message) {
    super(message);
  }
}

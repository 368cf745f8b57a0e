package dev.sealbuild.testsupport;

/** A place had the fixture with the wrong size or sha256: the message names the file, the place and both hashes. */
public final class FixtureRefusedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public FixtureRefusedException(String message) {
    super(message);
  }
}

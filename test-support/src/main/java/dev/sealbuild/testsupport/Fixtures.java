package dev.sealbuild.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The third-party fixtures for tests, through the one {@link FixtureLoader}: a fixture no place has is a missing
 * requirement ({@link Requirements}: failed in CI, skipped elsewhere) with the loader's one-line message; a copy
 * with the wrong sha256 fails the test wherever it runs.
 */
public final class Fixtures {
  private static final FixtureLoader LOADER = FixtureLoader.fromEnvironment();

  private Fixtures() {}

  /** The verified fixture, e.g. {@code alpine/minirootfs/alpine-minirootfs-3.20.3-x86_64.tar.gz}. */
  public static Path file(String path) {
    try {
      return LOADER.locate(path);
    } catch (FixtureUnavailableException e) {
      Requirements.require(false, e.getMessage());
      throw e;
    }
  }

  public static byte[] bytes(String path) {
    try {
      return Files.readAllBytes(file(path));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String text(String path) {
    try {
      return Files.readString(file(path));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A directory holding every fixture under {@code prefix}, e.g. {@code alpine/keys}. */
  public static Path directory(String prefix) {
    try {
      return LOADER.directory(prefix);
    } catch (FixtureUnavailableException e) {
      Requirements.require(false, e.getMessage());
      throw e;
    }
  }
}

package dev.sealbuild.cli.it;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Real data from ../shared/fixtures: skipped locally when absent, required in CI. */
final class Fixtures {
  private Fixtures() {}

  static void require(Path fixture) {
    if (!Files.isRegularFile(fixture)) {
      if (System.getenv("CI") != null) {
        fail("fixture " + fixture + " is missing; CI runs beside ../shared");
      }
      assumeTrue(false, "fixture " + fixture + " not present");
    }
  }
}

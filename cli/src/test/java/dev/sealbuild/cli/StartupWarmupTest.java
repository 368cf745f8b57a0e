package dev.sealbuild.cli;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start-up archive lists the classes the warm-up loads: every command it runs must succeed, or the archive holds
 * only an error path (as it did while the warm-up's spec had a key the spec does not know).
 */
class StartupWarmupTest {
  @TempDir Path dir;

  @Test
  void everyWarmUpCommandSucceeds() {
    assertDoesNotThrow(() -> StartupWarmup.exercise(dir));
  }
}

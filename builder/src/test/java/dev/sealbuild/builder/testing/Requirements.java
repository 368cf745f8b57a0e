package dev.sealbuild.builder.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * For tests that need a real tool, fixture or the Debian mirror: skipped (with the reason) on a developer machine
 * that lacks it, but a failure in CI, where everything is provided and nothing may skip silently.
 */
public final class Requirements {
  private Requirements() {}

  public static void require(boolean available, String why) {
    if (!available) {
      if (System.getenv("CI") != null) {
        fail(why + " (CI must provide it: see .ci/run)");
      }
      assumeTrue(false, why);
    }
  }
}

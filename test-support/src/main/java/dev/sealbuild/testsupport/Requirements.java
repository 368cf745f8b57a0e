package dev.sealbuild.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import org.opentest4j.TestAbortedException;

/**
 * For tests that need a real tool, fixture, privilege or service: reported as skipped (with the reason) on a
 * developer machine that lacks it, but a failure when {@code CI} is set (as {@code .ci/run} runs), where everything
 * is provided and nothing may skip silently. Called from {@code @BeforeAll}, the skip or failure is reported on
 * each test of the class ({@link DeferredRequirements}), never as a class of zero tests.
 */
public final class Requirements {
  private Requirements() {}

  /** A requirement that is missing in CI: a failure, which {@link DeferredRequirements} repeats on each test. */
  public static final class MissingInCi extends AssertionError {
    private static final long serialVersionUID = 1L;

    public MissingInCi(String message) {
      super(message);
    }
  }

  public static void require(boolean available, String why) {
    if (!available) {
      if (inCi()) {
        throw new MissingInCi(why + " (CI must provide it: see .ci/run)");
      }
      throw new TestAbortedException(why);
    }
  }

  /** Each tool must be an executable on {@code PATH} (or in {@code /usr/sbin}). */
  public static void requireTools(String... tools) {
    for (String tool : tools) {
      require(onPath(tool), tool + " is not installed (apt-get install " + tool + ")");
    }
  }

  public static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return Files.isExecutable(Path.of("/usr/sbin", tool));
  }

  /** {@code CI} is set to anything but empty, {@code false} or {@code 0}. */
  public static boolean inCi() {
    String ci = System.getenv("CI");
    return ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false") && !ci.equals("0");
  }
}

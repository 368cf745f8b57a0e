package dev.sealbuild.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * A requirement missing in {@code @BeforeAll} is reported on every test of the class (skipped, or failed in CI),
 * never as a class of zero tests. The sample classes are nested, so surefire does not run them by themselves.
 */
class DeferredRequirementsTest {

  static class MissingToolLocally {
    @BeforeAll
    static void setUp() {
      throw new org.opentest4j.TestAbortedException("frobnicate is not installed (apt-get install frobnicate)");
    }

    @Test
    void one() {}

    @Test
    void two() {}
  }

  static class MissingToolInCi {
    @BeforeAll
    static void setUp() {
      throw new Requirements.MissingInCi("frobnicate is not installed (CI must provide it: see .ci/run)");
    }

    @Test
    void one() {}

    @Test
    void two() {}
  }

  /** Its {@code @BeforeAll} runs before the subclass's. */
  static class FindsTheTool {
    static String tool;

    @BeforeAll
    static void find() {
      throw new org.opentest4j.TestAbortedException("frobnicate is not installed (apt-get install frobnicate)");
    }
  }

  static class SetUpThatGoesOnWithoutTheTool extends FindsTheTool {
    @BeforeAll
    static void use() {
      tool.length();
    }

    @Test
    void one() {}
  }

  static class BrokenSetUp {
    @BeforeAll
    static void setUp() {
      throw new IllegalStateException("a real bug");
    }

    @Test
    void one() {}
  }

  @Test
  void aMissingRequirementIsASkipOnEachTest() {
    assertEquals(Map.of("one()", "skipped: frobnicate is not installed (apt-get install frobnicate)",
        "two()", "skipped: frobnicate is not installed (apt-get install frobnicate)"), run(MissingToolLocally.class));
  }

  @Test
  void inCiItIsAFailureOnEachTest() {
    assertEquals(Map.of("one()", "FAILED: frobnicate is not installed (CI must provide it: see .ci/run)",
        "two()", "FAILED: frobnicate is not installed (CI must provide it: see .ci/run)"), run(MissingToolInCi.class));
  }

  @Test
  void laterSetUpThatNeededTheMissingToolIsNotWhatIsReported() {
    assertEquals(Map.of("one()", "skipped: frobnicate is not installed (apt-get install frobnicate)"),
        run(SetUpThatGoesOnWithoutTheTool.class));
  }

  @Test
  void anyOtherSetUpErrorStillFailsTheClass() {
    assertEquals(Map.of("DeferredRequirementsTest$BrokenSetUp", "FAILED: a real bug"), run(BrokenSetUp.class));
  }

  /** Each test's (or, when the class itself ends badly, the class's) outcome. */
  private static Map<String, String> run(Class<?> testClass) {
    Map<String, String> outcomes = new TreeMap<>();
    TestExecutionListener listener = new TestExecutionListener() {
      @Override
      public void executionSkipped(TestIdentifier test, String reason) {
        outcomes.put(test.getDisplayName(), "skipped: " + reason);
      }

      @Override
      public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
          outcomes.put(test.getDisplayName(), "skipped: " + result.getThrowable().map(Throwable::getMessage).orElse(""));
        } else if (result.getStatus() == TestExecutionResult.Status.FAILED) {
          outcomes.put(test.getDisplayName(), "FAILED: " + result.getThrowable().map(Throwable::getMessage).orElse(""));
        } else if (test.isTest()) {
          outcomes.put(test.getDisplayName(), "passed");
        }
      }
    };
    LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
        .selectors(List.of(selectClass(testClass))).build();
    Launcher launcher = LauncherFactory.create();
    launcher.execute(request, listener);
    return outcomes;
  }
}

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;

/**
 * Runs one @FuzzTest method through the JUnit Platform, as surefire would, from a class path bench/fuzz.sh copied
 * aside (so rebuilding the worktree does not change classes under a running fuzzer). Usage: FuzzLaunch CLASS METHOD.
 * Jazzer fuzzes when JAZZER_FUZZ=1; its options come from -Djazzer.* system properties (JUnit configuration).
 */
public final class FuzzLaunch {
  public static void main(String[] args) {
    LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
        .selectors(selectMethod(args[0] + "#" + args[1] + "(byte[])"))
        .build();
    Launcher launcher = LauncherFactory.create();
    SummaryGeneratingListener summary = new SummaryGeneratingListener();
    launcher.execute(request, summary);
    summary.getSummary().getFailures().forEach(f -> {
      System.err.println("fuzz: FINDING in " + f.getTestIdentifier().getDisplayName() + ": " + f.getException());
      f.getException().printStackTrace();
    });
    long found = summary.getSummary().getTestsFoundCount();
    System.err.println("fuzz: tests found " + found + ", failed " + summary.getSummary().getTotalFailureCount());
    System.exit(found == 0 ? 2 : summary.getSummary().getTotalFailureCount() == 0 ? 0 : 1);
  }
}

package dev.sealbuild.prep.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ThroughputMonitorTest {
  private static final long MS = 1_000_000L;
  private final ThroughputMonitor monitor = new ThroughputMonitor(new MinimumRate(1000, Duration.ofSeconds(1)));

  @Test
  void theFirstWindowIsNeverJudged() {
    assertEquals(OptionalLong.empty(), monitor.shortfall(999 * MS));
    assertEquals(OptionalLong.of(0), monitor.shortfall(1000 * MS), "nothing at all in the first whole window");
  }

  @Test
  void aSteadyBodyAtTheMinimumPasses() {
    for (long t = 0; t <= 10_000; t += 10) {
      monitor.received(t * MS, 10);
      assertEquals(OptionalLong.empty(), monitor.shortfall(t * MS), "at " + t + " ms");
    }
  }

  @Test
  void aTrickleIsCaughtOnceAWindowHasPassed() {
    monitor.received(0, 1);
    monitor.received(300 * MS, 1);
    monitor.received(600 * MS, 1);
    monitor.received(900 * MS, 1);
    monitor.received(1200 * MS, 1);
    assertEquals(OptionalLong.of(4), monitor.shortfall(1200 * MS), "the bytes of (0.2 s, 1.2 s]");
  }

  @Test
  void anyWindowCountsNotOnlyTheFirst() {
    monitor.received(100 * MS, 1_000_000);
    assertEquals(OptionalLong.empty(), monitor.shortfall(1000 * MS));
    assertEquals(OptionalLong.empty(), monitor.shortfall(1099 * MS), "the burst is still in the window");
    monitor.received(1500 * MS, 10);
    assertEquals(OptionalLong.of(10), monitor.shortfall(1500 * MS), "the burst left the window");
  }

  @Test
  void aStallAfterAFastStartIsCaughtWithinAWindowAndASlot() {
    for (long t = 0; t < 5000; t += 1) {
      monitor.received(t * MS, 100);
    }
    assertEquals(OptionalLong.empty(), monitor.shortfall(5000 * MS));
    long slot = monitor.checkIntervalNanos();
    assertEquals(OptionalLong.of(0), monitor.shortfall(5000 * MS + 1000 * MS + slot));
  }
}

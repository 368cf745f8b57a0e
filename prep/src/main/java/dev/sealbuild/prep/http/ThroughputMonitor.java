package dev.sealbuild.prep.http;

import java.util.ArrayDeque;
import java.util.OptionalLong;

/**
 * Counts the bytes of one body over a sliding window of a clock the caller keeps (nanoseconds from the start), and
 * says when a window after the first brought fewer than the minimum. Arrivals are merged into about 32 slots per
 * window, so memory stays small however fast the body comes; the merge can only count a few bytes too many, never
 * too few, so a body at the minimum is never cut.
 */
final class ThroughputMonitor {
  private static final int SLOTS_PER_WINDOW = 32;

  private final long windowNanos;
  private final long slotNanos;
  private final long minBytes;
  /** {time, total bytes by then}, oldest first; all later than the horizon of the last check. */
  private final ArrayDeque<long[]> samples = new ArrayDeque<>();
  private long[] baseline = {0, 0};
  private long total;

  ThroughputMonitor(MinimumRate rate) {
    if (!rate.enabled()) {
      throw new IllegalArgumentException("the minimum rate is off");
    }
    this.windowNanos = rate.window().toNanos();
    this.slotNanos = Math.max(1, windowNanos / SLOTS_PER_WINDOW);
    this.minBytes = rate.bytesPerWindow();
  }

  /** How often a caller waiting for data should look again. */
  long checkIntervalNanos() {
    return slotNanos;
  }

  void received(long now, long bytes) {
    total += bytes;
    long[] last = samples.peekLast();
    if (last != null && last[0] / slotNanos == now / slotNanos) {
      last[0] = now;
      last[1] = total;
    } else {
      samples.addLast(new long[] {now, total});
    }
  }

  /** The bytes of the window that ends at {@code now} when they are fewer than the minimum; empty otherwise. */
  OptionalLong shortfall(long now) {
    if (now < windowNanos) {
      return OptionalLong.empty();
    }
    long horizon = now - windowNanos;
    while (!samples.isEmpty() && samples.peekFirst()[0] <= horizon) {
      baseline = samples.pollFirst();
    }
    long inWindow = total - baseline[1];
    return inWindow < minBytes ? OptionalLong.of(inWindow) : OptionalLong.empty();
  }
}

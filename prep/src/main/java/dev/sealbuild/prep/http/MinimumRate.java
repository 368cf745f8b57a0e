package dev.sealbuild.prep.http;

import java.time.Duration;
import java.util.Objects;

/**
 * The slowest a response body may arrive: at least {@code bytesPerSecond} on average over every {@code window} after
 * the first, counting only the time the reader spends waiting for the server. Off when either is zero.
 */
public record MinimumRate(long bytesPerSecond, Duration window) {
  public static final MinimumRate OFF = new MinimumRate(0, Duration.ZERO);
  /** Far below any real link (a modem does 7 KiB/s), far above a server that sends a byte now and then. */
  public static final MinimumRate DEFAULT = new MinimumRate(1024, Duration.ofSeconds(60));

  public MinimumRate {
    Objects.requireNonNull(window, "window");
    if (bytesPerSecond < 0 || window.isNegative()) {
      throw new IllegalArgumentException("the minimum rate and its window must not be negative");
    }
  }

  public boolean enabled() {
    return bytesPerSecond > 0 && !window.isZero();
  }

  /** The fewest bytes one window must bring. */
  long bytesPerWindow() {
    double exact = Math.ceil(bytesPerSecond * (window.toNanos() / 1e9));
    return exact >= Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(1, (long) exact);
  }

  /** {@code 1 KiB/s over 60 s}. */
  String describe() {
    return ByteSize.format(bytesPerSecond) + "/s over " + Failures.seconds(window);
  }
}

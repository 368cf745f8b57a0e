package dev.sealbuild.prep.http;

import java.time.Duration;
import java.util.Objects;

/**
 * How transient failures are retried: at most {@code maxAttempts} attempts in all; before attempt
 * n+1 the fetcher waits about {@code initialDelay * 2^(n-1)} (capped at {@code maxDelay}, with
 * random jitter), or what the server asked for in Retry-After, capped at {@code maxRetryAfter}.
 */
public record RetryPolicy(int maxAttempts, Duration initialDelay, Duration maxDelay, Duration maxRetryAfter) {
  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
    }
    Objects.requireNonNull(initialDelay, "initialDelay");
    Objects.requireNonNull(maxDelay, "maxDelay");
    Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
    if (initialDelay.isNegative() || maxDelay.compareTo(initialDelay) < 0 || maxRetryAfter.isNegative()) {
      throw new IllegalArgumentException("need 0 <= initialDelay <= maxDelay and maxRetryAfter >= 0");
    }
  }

  public static RetryPolicy defaults() {
    return new RetryPolicy(4, Duration.ofSeconds(1), Duration.ofSeconds(15), Duration.ofSeconds(60));
  }
}

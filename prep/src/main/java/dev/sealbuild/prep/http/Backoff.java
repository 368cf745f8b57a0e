package dev.sealbuild.prep.http;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/** Computes the wait before the next attempt: exponential with "equal jitter", or Retry-After. */
final class Backoff {
  private final RetryPolicy policy;
  private final RandomGenerator random;

  Backoff(RetryPolicy policy, RandomGenerator random) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.random = Objects.requireNonNull(random, "random");
  }

  /**
   * The wait after attempt {@code failedAttempt} (1-based) failed. A server's Retry-After wins over
   * the computed delay but is capped, so a hostile or confused server cannot stall the build.
   */
  Duration delayAfter(int failedAttempt, Optional<Duration> retryAfter) {
    if (retryAfter.isPresent()) {
      Duration asked = retryAfter.get();
      return asked.compareTo(policy.maxRetryAfter()) > 0 ? policy.maxRetryAfter() : asked;
    }
    long cap = policy.maxDelay().toMillis();
    long delay = policy.initialDelay().toMillis();
    for (int i = 1; i < failedAttempt && delay < cap; i++) {
      delay *= 2;
    }
    delay = Math.min(delay, cap);
    long half = delay / 2;
    long jitter;
    synchronized (random) {
      jitter = random.nextLong(delay - half + 1);
    }
    return Duration.ofMillis(half + jitter);
  }

  /** Parses a Retry-After value: delta seconds or an HTTP date. Anything else is ignored. */
  static Optional<Duration> parseRetryAfter(String value, Instant now) {
    if (value == null) {
      return Optional.empty();
    }
    String text = value.strip();
    if (text.matches("[0-9]{1,9}")) {
      return Optional.of(Duration.ofSeconds(Long.parseLong(text)));
    }
    try {
      Instant at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration wait = Duration.between(now, at);
      return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}

package dev.sealbuild.prep.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private final RetryPolicy policy =
      new RetryPolicy(10, Duration.ofMillis(500), Duration.ofSeconds(4), Duration.ofSeconds(20));

  @Test
  void delaysDoubleUpToTheCapWithJitterInTheUpperHalf() {
    Backoff backoff = new Backoff(policy, new Random(1));
    long[] nominal = {500, 1000, 2000, 4000, 4000, 4000};
    for (int attempt = 1; attempt <= nominal.length; attempt++) {
      for (int sample = 0; sample < 50; sample++) {
        long millis = backoff.delayAfter(attempt, Optional.empty()).toMillis();
        long expected = nominal[attempt - 1];
        assertTrue(millis >= expected / 2 && millis <= expected, "attempt " + attempt + ": " + millis);
      }
    }
  }

  @Test
  void jitterVaries() {
    Backoff backoff = new Backoff(policy, new Random(2));
    long distinct = java.util.stream.IntStream.range(0, 20)
        .mapToLong(i -> backoff.delayAfter(3, Optional.empty()).toMillis()).distinct().count();
    assertTrue(distinct > 5, "jitter spreads retries, got " + distinct + " distinct waits");
  }

  @Test
  void retryAfterWinsButIsCapped() {
    Backoff backoff = new Backoff(policy, new Random(3));
    assertEquals(Duration.ofSeconds(9), backoff.delayAfter(1, Optional.of(Duration.ofSeconds(9))));
    assertEquals(Duration.ofSeconds(20), backoff.delayAfter(1, Optional.of(Duration.ofDays(1))));
  }

  @Test
  void retryAfterParsesSecondsAndDates() {
    Instant now = Instant.parse("2024-05-01T10:00:00Z");
    assertEquals(Optional.of(Duration.ofSeconds(120)), Backoff.parseRetryAfter(" 120 ", now));
    assertEquals(Optional.of(Duration.ofSeconds(90)), Backoff.parseRetryAfter("Wed, 01 May 2024 10:01:30 GMT", now));
    assertEquals(Optional.of(Duration.ZERO), Backoff.parseRetryAfter("Wed, 01 May 2024 09:00:00 GMT", now));
    assertEquals(Optional.empty(), Backoff.parseRetryAfter("soon", now));
    assertEquals(Optional.empty(), Backoff.parseRetryAfter("-5", now));
    assertEquals(Optional.empty(), Backoff.parseRetryAfter("99999999999999999999", now));
    assertEquals(Optional.empty(), Backoff.parseRetryAfter(null, now));
  }
}

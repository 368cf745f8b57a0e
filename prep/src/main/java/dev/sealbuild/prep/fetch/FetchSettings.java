package dev.sealbuild.prep.fetch;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.random.RandomGenerator;

/**
 * Everything {@link HttpFetcher} needs from outside. {@code environment} supplies the proxy
 * variables (pass {@code System.getenv()} at the edge); {@code random}, {@code sleeper} and
 * {@code clock} drive backoff and Retry-After and are injected so tests are fast and repeatable.
 * {@code readTimeout} bounds the wait for response headers and for each chunk of the body.
 */
public record FetchSettings(
    Duration connectTimeout,
    Duration readTimeout,
    RetryPolicy retryPolicy,
    Map<String, String> environment,
    RandomGenerator random,
    Sleeper sleeper,
    Clock clock,
    String userAgent) {

  public FetchSettings {
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(readTimeout, "readTimeout");
    Objects.requireNonNull(retryPolicy, "retryPolicy");
    environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
    Objects.requireNonNull(random, "random");
    Objects.requireNonNull(sleeper, "sleeper");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(userAgent, "userAgent");
    if (connectTimeout.isZero() || connectTimeout.isNegative() || readTimeout.isZero() || readTimeout.isNegative()) {
      throw new IllegalArgumentException("timeouts must be positive");
    }
  }

  public static FetchSettings defaults(Map<String, String> environment) {
    return new FetchSettings(Duration.ofSeconds(15), Duration.ofSeconds(60), RetryPolicy.defaults(), environment,
        new Random(), Sleeper.REAL, Clock.systemUTC(), "sealbuild");
  }

  public FetchSettings withTimeouts(Duration connect, Duration read) {
    return new FetchSettings(connect, read, retryPolicy, environment, random, sleeper, clock, userAgent);
  }

  public FetchSettings withRetryPolicy(RetryPolicy policy) {
    return new FetchSettings(connectTimeout, readTimeout, policy, environment, random, sleeper, clock, userAgent);
  }

  public FetchSettings withBackoffSource(RandomGenerator newRandom, Sleeper newSleeper) {
    return new FetchSettings(connectTimeout, readTimeout, retryPolicy, environment, newRandom, newSleeper, clock,
        userAgent);
  }

  public FetchSettings withClock(Clock newClock) {
    return new FetchSettings(connectTimeout, readTimeout, retryPolicy, environment, random, sleeper, newClock,
        userAgent);
  }

  public FetchSettings withUserAgent(String agent) {
    return new FetchSettings(connectTimeout, readTimeout, retryPolicy, environment, random, sleeper, clock, agent);
  }
}

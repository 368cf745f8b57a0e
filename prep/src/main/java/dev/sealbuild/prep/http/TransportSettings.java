package dev.sealbuild.prep.http;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.random.RandomGenerator;

/**
 * Everything {@link Transport} needs from outside. {@code environment} supplies the proxy variables (pass
 * {@code System.getenv()} at the edge); {@code random}, {@code sleeper} and {@code clock} drive backoff and
 * Retry-After and are injected so tests are fast and repeatable. {@code idleTimeout} bounds the wait for the response
 * headers and for each chunk of the body; {@code deadline} bounds one attempt from the first byte sent to the last
 * byte read, so a server that trickles a byte now and then is still cut off.
 */
public record TransportSettings(
    Duration connectTimeout,
    Duration idleTimeout,
    Duration deadline,
    RetryPolicy retryPolicy,
    Map<String, String> environment,
    RandomGenerator random,
    Sleeper sleeper,
    Clock clock,
    String userAgent) {

  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(15);
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
  public static final Duration DEFAULT_DEADLINE = Duration.ofHours(1);

  public TransportSettings {
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    Objects.requireNonNull(deadline, "deadline");
    Objects.requireNonNull(retryPolicy, "retryPolicy");
    environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
    Objects.requireNonNull(random, "random");
    Objects.requireNonNull(sleeper, "sleeper");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(userAgent, "userAgent");
    if (!isPositive(connectTimeout) || !isPositive(idleTimeout) || !isPositive(deadline)) {
      throw new IllegalArgumentException("timeouts must be positive");
    }
  }

  /**
   * The defaults, with the timeouts and attempts the environment overrides ({@code SEALBUILD_HTTP_CONNECT_TIMEOUT},
   * {@code SEALBUILD_HTTP_IDLE_TIMEOUT}, {@code SEALBUILD_HTTP_DEADLINE} in seconds, {@code SEALBUILD_HTTP_ATTEMPTS}).
   *
   * @throws TransportException naming the variable when a value is not a positive whole number
   */
  public static TransportSettings fromEnvironment(Map<String, String> environment) {
    RetryPolicy defaults = RetryPolicy.defaults();
    RetryPolicy policy = new RetryPolicy(
        (int) positive(environment, "SEALBUILD_HTTP_ATTEMPTS", defaults.maxAttempts()),
        defaults.initialDelay(), defaults.maxDelay(), defaults.maxRetryAfter());
    return new TransportSettings(
        Duration.ofSeconds(positive(environment, "SEALBUILD_HTTP_CONNECT_TIMEOUT", DEFAULT_CONNECT_TIMEOUT.toSeconds())),
        Duration.ofSeconds(positive(environment, "SEALBUILD_HTTP_IDLE_TIMEOUT", DEFAULT_IDLE_TIMEOUT.toSeconds())),
        Duration.ofSeconds(positive(environment, "SEALBUILD_HTTP_DEADLINE", DEFAULT_DEADLINE.toSeconds())),
        policy, environment, new Random(), Sleeper.REAL, Clock.systemUTC(), "sealbuild");
  }

  public TransportSettings withTimeouts(Duration connect, Duration idle, Duration newDeadline) {
    return new TransportSettings(connect, idle, newDeadline, retryPolicy, environment, random, sleeper, clock, userAgent);
  }

  public TransportSettings withRetryPolicy(RetryPolicy policy) {
    return new TransportSettings(connectTimeout, idleTimeout, deadline, policy, environment, random, sleeper, clock,
        userAgent);
  }

  /** These settings with {@code attempts} attempts per request (e.g. from a command's {@code --retries}). */
  public TransportSettings withAttempts(int attempts) {
    return withRetryPolicy(new RetryPolicy(attempts, retryPolicy.initialDelay(), retryPolicy.maxDelay(),
        retryPolicy.maxRetryAfter()));
  }

  public TransportSettings withBackoffSource(RandomGenerator newRandom, Sleeper newSleeper) {
    return new TransportSettings(connectTimeout, idleTimeout, deadline, retryPolicy, environment, newRandom, newSleeper,
        clock, userAgent);
  }

  public TransportSettings withClock(Clock newClock) {
    return new TransportSettings(connectTimeout, idleTimeout, deadline, retryPolicy, environment, random, sleeper,
        newClock, userAgent);
  }

  private static boolean isPositive(Duration duration) {
    return !duration.isZero() && !duration.isNegative();
  }

  private static long positive(Map<String, String> environment, String name, long fallback) {
    String value = environment.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    if (!value.strip().matches("[1-9][0-9]{0,6}")) {
      throw new TransportException(TransportException.Failure.INVALID, "invalid " + name + " '" + Failures.oneLine(value)
          + "': expected a positive whole number" + (name.endsWith("ATTEMPTS") ? "" : " of seconds")
          + "; fix or unset " + name);
    }
    return Long.parseLong(value.strip());
  }
}

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
 * byte read; {@code minimumRate} cuts off a body that arrives slower than that over its window, so a server that
 * trickles a byte now and then is cut off long before the deadline.
 */
public record TransportSettings(
    Duration connectTimeout,
    Duration idleTimeout,
    Duration deadline,
    MinimumRate minimumRate,
    RetryPolicy retryPolicy,
    Map<String, String> environment,
    RandomGenerator random,
    Sleeper sleeper,
    Clock clock,
    String userAgent) {

  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(15);
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
  public static final Duration DEFAULT_DEADLINE = Duration.ofHours(1);
  public static final String MIN_RATE_VARIABLE = "SEALBUILD_HTTP_MIN_RATE";
  public static final String MIN_RATE_WINDOW_VARIABLE = "SEALBUILD_HTTP_MIN_RATE_WINDOW";

  public TransportSettings {
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    Objects.requireNonNull(deadline, "deadline");
    Objects.requireNonNull(minimumRate, "minimumRate");
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
   * {@code SEALBUILD_HTTP_IDLE_TIMEOUT}, {@code SEALBUILD_HTTP_DEADLINE} in seconds, {@code SEALBUILD_HTTP_ATTEMPTS},
   * and the minimum rate: {@code SEALBUILD_HTTP_MIN_RATE} in bytes per second with an optional K, M or G suffix, over
   * {@code SEALBUILD_HTTP_MIN_RATE_WINDOW} seconds; either 0 turns the check off).
   *
   * @throws TransportException naming the variable when a value is not a positive whole number (or a size for the
   *     rate)
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
        minimumRate(environment), policy, environment, new Random(), Sleeper.REAL, Clock.systemUTC(), "sealbuild");
  }

  public TransportSettings withTimeouts(Duration connect, Duration idle, Duration newDeadline) {
    return new TransportSettings(connect, idle, newDeadline, minimumRate, retryPolicy, environment, random, sleeper, clock, userAgent);
  }

  public TransportSettings withMinimumRate(MinimumRate rate) {
    return new TransportSettings(connectTimeout, idleTimeout, deadline, rate, retryPolicy, environment, random, sleeper,
        clock, userAgent);
  }

  public TransportSettings withRetryPolicy(RetryPolicy policy) {
    return new TransportSettings(connectTimeout, idleTimeout, deadline, minimumRate, policy, environment, random, sleeper, clock,
        userAgent);
  }

  /** These settings with {@code attempts} attempts per request (e.g. from a command's {@code --retries}). */
  public TransportSettings withAttempts(int attempts) {
    return withRetryPolicy(new RetryPolicy(attempts, retryPolicy.initialDelay(), retryPolicy.maxDelay(),
        retryPolicy.maxRetryAfter()));
  }

  public TransportSettings withBackoffSource(RandomGenerator newRandom, Sleeper newSleeper) {
    return new TransportSettings(connectTimeout, idleTimeout, deadline, minimumRate, retryPolicy, environment, newRandom, newSleeper,
        clock, userAgent);
  }

  public TransportSettings withClock(Clock newClock) {
    return new TransportSettings(connectTimeout, idleTimeout, deadline, minimumRate, retryPolicy, environment, random, sleeper,
        newClock, userAgent);
  }

  private static boolean isPositive(Duration duration) {
    return !duration.isZero() && !duration.isNegative();
  }

  private static MinimumRate minimumRate(Map<String, String> environment) {
    long bytesPerSecond = MinimumRate.DEFAULT.bytesPerSecond();
    String rate = environment.get(MIN_RATE_VARIABLE);
    if (rate != null && !rate.isBlank()) {
      String perSecond = rate.strip().replaceFirst("(?i)/s$", "");
      bytesPerSecond = ByteSize.parse(perSecond).orElseThrow(() -> new TransportException(
          TransportException.Failure.INVALID, "invalid " + MIN_RATE_VARIABLE + " '" + Failures.oneLine(rate)
          + "': expected bytes per second, e.g. 1K or 512, or 0 to turn the check off; fix or unset "
          + MIN_RATE_VARIABLE));
    }
    long window = MinimumRate.DEFAULT.window().toSeconds();
    String seconds = environment.get(MIN_RATE_WINDOW_VARIABLE);
    if (seconds != null && !seconds.isBlank()) {
      if (!seconds.strip().matches("0|[1-9][0-9]{0,6}")) {
        throw new TransportException(TransportException.Failure.INVALID, "invalid " + MIN_RATE_WINDOW_VARIABLE + " '"
            + Failures.oneLine(seconds) + "': expected a whole number of seconds, or 0 to turn the check off; fix or"
            + " unset " + MIN_RATE_WINDOW_VARIABLE);
      }
      window = Long.parseLong(seconds.strip());
    }
    return bytesPerSecond == 0 || window == 0 ? MinimumRate.OFF : new MinimumRate(bytesPerSecond, Duration.ofSeconds(window));
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

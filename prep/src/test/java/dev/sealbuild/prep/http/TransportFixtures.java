package dev.sealbuild.prep.http;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

/** Transport settings for tests: short timeouts, a seeded jitter and a sleeper that only records. */
public final class TransportFixtures {
  private TransportFixtures() {}

  /** Records the backoff waits instead of sleeping. */
  public static final class RecordingSleeper implements Sleeper {
    public final List<Duration> sleeps = new CopyOnWriteArrayList<>();

    @Override
    public void sleep(Duration duration) {
      sleeps.add(duration);
    }
  }

  public static TransportSettings settings(Map<String, String> environment, Sleeper sleeper, int maxAttempts) {
    return TransportSettings.fromEnvironment(environment)
        .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(30))
        .withRetryPolicy(new RetryPolicy(maxAttempts, Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofSeconds(30)))
        .withBackoffSource(new Random(42), sleeper);
  }

  /**
   * A transport for tests that talk to servers on 127.0.0.1 (no proxy, whatever the real environment says), making
   * {@code attempts} attempts per request without really waiting between them.
   */
  public static Transport transport(int attempts) {
    return new Transport(settings(Map.of(), new RecordingSleeper(), attempts));
  }

  public static byte[] randomBytes(int size, long seed) {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    return data;
  }
}

package dev.sealbuild.prep.fetch;

import dev.sealbuild.formats.digest.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

final class Fixtures {
  private Fixtures() {}

  /** Records the backoff waits instead of sleeping. */
  static final class RecordingSleeper implements Sleeper {
    final List<Duration> sleeps = new CopyOnWriteArrayList<>();

    @Override
    public void sleep(Duration duration) {
      sleeps.add(duration);
    }
  }

  static FetchSettings settings(Map<String, String> environment, Sleeper sleeper, int maxAttempts) {
    return FetchSettings.defaults(environment)
        .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2))
        .withRetryPolicy(new RetryPolicy(maxAttempts, Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofSeconds(30)))
        .withBackoffSource(new Random(42), sleeper);
  }

  static byte[] randomBytes(int size, long seed) {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    return data;
  }

  static Sha256 sha256(byte[] data) {
    try {
      return Sha256.of(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** Every file (not directory) under {@code root}, sorted. */
  static List<Path> filesUnder(Path root) throws IOException {
    if (!Files.exists(root)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(p -> !Files.isDirectory(p)).sorted().toList();
    }
  }
}

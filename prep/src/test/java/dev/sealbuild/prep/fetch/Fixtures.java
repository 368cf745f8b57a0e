package dev.sealbuild.prep.fetch;

import dev.sealbuild.prep.http.Sleeper;
import dev.sealbuild.prep.http.TransportFixtures;
import dev.sealbuild.prep.http.TransportSettings;
import dev.sealbuild.formats.digest.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

final class Fixtures {
  private Fixtures() {}

  static TransportSettings settings(Map<String, String> environment, Sleeper sleeper, int maxAttempts) {
    return TransportFixtures.settings(environment, sleeper, maxAttempts);
  }

  static byte[] randomBytes(int size, long seed) {
    return TransportFixtures.randomBytes(size, seed);
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

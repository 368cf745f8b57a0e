package dev.sealbuild.prep.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class TransportSettingsTest {
  private static MinimumRate rate(Map<String, String> environment) {
    return TransportSettings.fromEnvironment(environment).minimumRate();
  }

  @Test
  void theMinimumRateDefaultsToOneKibPerSecondOverAMinute() {
    assertEquals(new MinimumRate(1024, Duration.ofSeconds(60)), rate(Map.of()));
  }

  @Test
  void theEnvironmentSetsTheRateWithASizeSuffixAndTheWindowInSeconds() {
    assertEquals(new MinimumRate(10 * 1024, Duration.ofSeconds(5)),
        rate(Map.of("SEALBUILD_HTTP_MIN_RATE", "10K", "SEALBUILD_HTTP_MIN_RATE_WINDOW", "5")));
    assertEquals(new MinimumRate(512, Duration.ofSeconds(60)), rate(Map.of("SEALBUILD_HTTP_MIN_RATE", "512")));
    assertEquals(new MinimumRate(2 << 20, Duration.ofSeconds(60)), rate(Map.of("SEALBUILD_HTTP_MIN_RATE", "2MiB/s")));
  }

  @Test
  void zeroTurnsTheCheckOff() {
    assertEquals(MinimumRate.OFF, rate(Map.of("SEALBUILD_HTTP_MIN_RATE", "0")));
    assertEquals(MinimumRate.OFF, rate(Map.of("SEALBUILD_HTTP_MIN_RATE_WINDOW", "0")));
  }

  @Test
  void aBadValueIsRefusedNamingTheVariable() {
    TransportException rate = assertThrows(TransportException.class,
        () -> rate(Map.of("SEALBUILD_HTTP_MIN_RATE", "fast")));
    assertTrue(rate.getMessage().startsWith("invalid SEALBUILD_HTTP_MIN_RATE 'fast': expected bytes per second"),
        rate.getMessage());
    TransportException window = assertThrows(TransportException.class,
        () -> rate(Map.of("SEALBUILD_HTTP_MIN_RATE_WINDOW", "-1")));
    assertTrue(window.getMessage().startsWith("invalid SEALBUILD_HTTP_MIN_RATE_WINDOW '-1'"), window.getMessage());
  }

  @Test
  void sizesReadAndPrintAsPeopleWriteThem() {
    assertEquals(OptionalLong.of(1024), ByteSize.parse("1k"));
    assertEquals(OptionalLong.of(3L << 30), ByteSize.parse("3 GiB"));
    assertEquals(OptionalLong.empty(), ByteSize.parse("99999999999T"));
    assertEquals("12 B", ByteSize.format(12));
    assertEquals("1 KiB", ByteSize.format(1024));
    assertEquals("1.5 KiB", ByteSize.format(1536));
    assertEquals("2 MiB", ByteSize.format(2 << 20));
  }
}

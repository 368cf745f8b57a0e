package dev.sealbuild.lockfiles.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * {@code config.healthcheck}: Docker's {@code Healthcheck} (the OCI spec leaves it out; docker and podman honour it).
 * {@code test} is {@code [CMD, argv...]}, {@code [CMD-SHELL, "command"]} or {@code [NONE]}; the durations are kept as
 * written and read by {@link Duration}; {@code retries} is a count.
 */
public record HealthcheckSpec(List<String> test, String interval, String timeout, String startPeriod, String startInterval,
    Integer retries) {
  @JsonCreator
  public HealthcheckSpec(
      @JsonProperty(value = "test", required = true) List<String> test,
      @JsonProperty("interval") String interval,
      @JsonProperty("timeout") String timeout,
      @JsonProperty("startPeriod") String startPeriod,
      @JsonProperty("startInterval") String startInterval,
      @JsonProperty("retries") Integer retries) {
    if (test == null || test.isEmpty()) {
      throw new IllegalArgumentException("config.healthcheck.test is empty; write [CMD, program, args...], [CMD-SHELL, \"command\"] or [NONE]");
    }
    switch (String.valueOf(test.get(0))) {
      case "CMD" -> {
        if (test.size() < 2) {
          throw new IllegalArgumentException("config.healthcheck.test [CMD] needs the program to run after CMD");
        }
      }
      case "CMD-SHELL" -> {
        if (test.size() != 2) {
          throw new IllegalArgumentException("config.healthcheck.test [CMD-SHELL, ...] takes exactly one command line after CMD-SHELL");
        }
      }
      case "NONE" -> {
        if (test.size() != 1) {
          throw new IllegalArgumentException("config.healthcheck.test [NONE] takes nothing after NONE");
        }
      }
      default -> throw new IllegalArgumentException("config.healthcheck.test starts with '" + test.get(0)
          + "'; the first word must be CMD, CMD-SHELL or NONE");
    }
    if (test.stream().anyMatch(w -> w == null)) {
      throw new IllegalArgumentException("config.healthcheck.test has an empty word");
    }
    this.test = List.copyOf(test);
    this.interval = checked(interval, "interval");
    this.timeout = checked(timeout, "timeout");
    this.startPeriod = checked(startPeriod, "startPeriod");
    this.startInterval = checked(startInterval, "startInterval");
    if (retries != null && retries < 0) {
      throw new IllegalArgumentException("config.healthcheck.retries " + retries + " must not be negative");
    }
    this.retries = retries;
  }

  private static String checked(String duration, String key) {
    if (duration != null) {
      Duration.nanos(duration, "config.healthcheck." + key);
    }
    return duration;
  }

  @JsonIgnore
  public long intervalNanos() {
    return interval == null ? 0 : Duration.nanos(interval, "interval");
  }

  @JsonIgnore
  public long timeoutNanos() {
    return timeout == null ? 0 : Duration.nanos(timeout, "timeout");
  }

  @JsonIgnore
  public long startPeriodNanos() {
    return startPeriod == null ? 0 : Duration.nanos(startPeriod, "startPeriod");
  }

  @JsonIgnore
  public long startIntervalNanos() {
    return startInterval == null ? 0 : Duration.nanos(startInterval, "startInterval");
  }
}

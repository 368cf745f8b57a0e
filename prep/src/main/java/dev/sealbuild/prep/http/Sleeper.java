package dev.sealbuild.prep.http;

import java.time.Duration;

/** Waits between retries; injected so tests do not really sleep. */
@FunctionalInterface
public interface Sleeper {
  Sleeper REAL = duration -> Thread.sleep(duration.toMillis());

  void sleep(Duration duration) throws InterruptedException;
}

package dev.sealbuild.builder.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A free worker takes the item the caller waits for, else the heaviest, within the weight budget; results still come
 * in item order.
 */
class OrderedPrefetchTest {
  private record Result(String item, Runnable onClose) implements Closeable {
    @Override
    public void close() {
      onClose.run();
    }
  }

  @Test
  void theCallersItemStartsFirstThenTheHeaviestAndResultsComeInItemOrder() throws IOException {
    Map<String, Long> weights = Map.of("a", 1L, "b", 5L, "c", 3L, "d", 5L, "e", 2L);
    List<String> items = List.of("a", "b", "c", "d", "e");
    List<String> ran = Collections.synchronizedList(new ArrayList<>());
    List<String> taken = new ArrayList<>();
    try (OrderedPrefetch<String, Result> prefetch = new OrderedPrefetch<>(items, 1, "test-prefetch", item -> {
      ran.add(item);
      return new Result(item, () -> { });
    }, weights::get, 1_000)) {
      for (int i = 0; i < items.size(); i++) {
        try (Result r = prefetch.next()) {
          taken.add(r.item());
        }
      }
    }
    // a: the caller waits for it, though it is the lightest; b: the caller takes it next. Then c or d, as the caller
    // has taken a or not (c: the item after the caller's), and e, the lightest and last, never ahead of its turn.
    assertEquals(List.of("a", "b"), ran.subList(0, 2), "the order one worker ran the steps in");
    assertEquals("e", ran.get(4), "the order one worker ran the steps in: " + ran);
    assertEquals(items, taken);
  }

  @Test
  void theCallerNeverWaitsBehindHeavierStepsItDoesNotNeedYet() throws Exception {
    // "small" comes first in item order; two workers are busy with heavy items when the caller asks for it
    List<String> items = List.of("heavy1", "small", "heavy2", "heavy3", "heavy4");
    Map<String, Long> weights = Map.of("heavy1", 9L, "small", 1L, "heavy2", 8L, "heavy3", 7L, "heavy4", 6L);
    CountDownLatch release = new CountDownLatch(1);
    List<String> ran = Collections.synchronizedList(new ArrayList<>());
    try (OrderedPrefetch<String, Result> prefetch = new OrderedPrefetch<>(items, 2, "test-prefetch", item -> {
      ran.add(item);
      if (item.equals("heavy2")) {
        try {
          assertTrue(release.await(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException(e);
        }
      }
      return new Result(item, () -> { });
    }, weights::get, 1_000)) {
      try (Result first = prefetch.next()) {
        assertEquals("heavy1", first.item());
      }
      // heavy2 holds one worker; the other must take "small" before heavy3 and heavy4
      try (Result second = prefetch.next()) {
        assertEquals("small", second.item());
      }
      release.countDown();
      for (String item : items.subList(2, items.size())) {
        try (Result r = prefetch.next()) {
          assertEquals(item, r.item());
        }
      }
    }
    assertTrue(ran.indexOf("small") < ran.indexOf("heavy3") && ran.indexOf("small") < ran.indexOf("heavy4"),
        "steps ran in the order " + ran);
  }

  @Test
  void aFailureThenCloseEndsEvenWhenTheFailedStepHadStartedAnother() {
    // one worker: when "a" fails, the worker hands "b" to the pool as it ends; close must not wait for a step the
    // pool drops before it begins
    for (int round = 0; round < 50; round++) {
      assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
        try (OrderedPrefetch<String, Result> prefetch = new OrderedPrefetch<>(List.of("a", "b", "c"), 1, "test-prefetch",
            item -> {
              if (item.equals("a")) {
                throw new IOException("a is damaged");
              }
              return new Result(item, () -> { });
            })) {
          assertEquals("a is damaged", assertThrows(IOException.class, prefetch::next).getMessage());
        }
      });
    }
  }

  @Test
  void theBudgetStopsStepsBeyondTheResultsThatMayAlwaysWait() throws Exception {
    List<String> items = List.of("a", "b", "c", "d", "e");
    CountDownLatch bcdStarted = new CountDownLatch(3);
    AtomicInteger eStartedWhileAWasRunning = new AtomicInteger(-1);
    AtomicInteger eStarted = new AtomicInteger();
    // three workers: four results may always wait (threads + 1); a fifth would weigh 50, over the budget of 15
    try (OrderedPrefetch<String, Result> prefetch = new OrderedPrefetch<>(items, 3, "test-prefetch", item -> {
      switch (item) {
        case "a" -> {
          try {
            assertTrue(bcdStarted.await(10, TimeUnit.SECONDS), "b, c and d should start while a runs");
            Thread.sleep(200); // time for e to start on a free worker, were it allowed to
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
          }
          eStartedWhileAWasRunning.set(eStarted.get());
        }
        case "e" -> eStarted.incrementAndGet();
        default -> bcdStarted.countDown();
      }
      return new Result(item, () -> { });
    }, item -> 10, 15)) {
      for (String item : items) {
        try (Result r = prefetch.next()) {
          assertEquals(item, r.item());
        }
      }
    }
    assertEquals(0, eStartedWhileAWasRunning.get(), "e started before a was taken, over the budget");
    assertEquals(1, eStarted.get());
  }

  @Test
  void withinTheBudgetEveryStepStartsAtOnce() throws Exception {
    List<String> items = List.of("a", "b", "c", "d");
    CountDownLatch othersStarted = new CountDownLatch(items.size() - 1);
    try (OrderedPrefetch<String, Result> prefetch = new OrderedPrefetch<>(items, items.size(), "test-prefetch", item -> {
      if (item.equals("a")) {
        try {
          assertTrue(othersStarted.await(10, TimeUnit.SECONDS), "the later items' steps did not start ahead");
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException(e);
        }
      } else {
        othersStarted.countDown();
      }
      return new Result(item, () -> { });
    }, item -> 1, 100)) {
      for (String item : items) {
        try (Result r = prefetch.next()) {
          assertEquals(item, r.item());
        }
      }
    }
  }
}

package dev.sealbuild.prep.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The body stream on a fake clock: each chunk the reader asks for "takes" {@code every} of it to arrive. */
@Timeout(30)
class TimedBodyStreamTest {
  private static final Duration IDLE = Duration.ofSeconds(60);
  private static final MinimumRate ONE_KIB_PER_SECOND = new MinimumRate(1024, Duration.ofSeconds(1));

  private final AtomicLong clock = new AtomicLong();

  /** A server that sends {@code chunks} (each {@code every} apart on the clock), then ends the body. */
  private final class FakeServer implements Flow.Subscription {
    private final TimedBodyStream stream;
    private final List<Integer> chunks;
    private final Duration every;
    private int sent;
    boolean cancelled;

    FakeServer(TimedBodyStream stream, List<Integer> chunks, Duration every) {
      this.stream = stream;
      this.chunks = chunks;
      this.every = every;
    }

    @Override
    public void request(long n) {
      if (cancelled) {
        return;
      }
      clock.addAndGet(every.toNanos());
      if (sent < chunks.size()) {
        stream.onNext(List.of(ByteBuffer.wrap(new byte[chunks.get(sent++)])));
      } else {
        stream.onComplete();
      }
    }

    @Override
    public void cancel() {
      cancelled = true;
    }
  }

  private FakeServer serve(MinimumRate rate, List<Integer> chunks, Duration every) {
    TimedBodyStream stream = new TimedBodyStream(IDLE, Long.MAX_VALUE, rate, clock::get);
    FakeServer server = new FakeServer(stream, chunks, every);
    stream.onSubscribe(server);
    return server;
  }

  private static List<Integer> repeat(int size, int times) {
    return java.util.Collections.nCopies(times, size);
  }

  @Test
  void aByteEvery300MillisecondsFailsAfterTheFirstWindowNamingTheRateAndTheSetting() {
    FakeServer server = serve(ONE_KIB_PER_SECOND, repeat(1, 1000), Duration.ofMillis(300));

    TimedBodyStream.BelowMinimumRateException e =
        assertThrows(TimedBodyStream.BelowMinimumRateException.class, server.stream::readAllBytes);

    assertEquals("the server sent 4 B in the last 1 s, below the minimum of 1 KiB/s over 1 s (SEALBUILD_HTTP_MIN_RATE)",
        e.getMessage());
    assertTrue(server.cancelled, "the exchange is cancelled");
    assertTrue(server.sent < 10, "stopped after about a window, not after " + server.sent + " chunks");
  }

  @Test
  void aBodyAtTheMinimumRatePasses() throws IOException {
    FakeServer server = serve(ONE_KIB_PER_SECOND, repeat(400, 100), Duration.ofMillis(300));

    assertEquals(40_000, server.stream.readAllBytes().length, "400 B per 0.3 s is above 1 KiB/s");
  }

  @Test
  void aStallAfterAFastStartIsCaught() {
    List<Integer> chunks = new java.util.ArrayList<>(repeat(16 * 1024, 50));
    chunks.addAll(repeat(1, 1000));
    FakeServer server = serve(ONE_KIB_PER_SECOND, chunks, Duration.ofMillis(100));

    TimedBodyStream.BelowMinimumRateException e =
        assertThrows(TimedBodyStream.BelowMinimumRateException.class, server.stream::readAllBytes);
    assertTrue(e.getMessage().startsWith("the server sent "), e.getMessage());
    assertTrue(server.sent > 50 && server.sent < 70, "cut within about a window of the stall: " + server.sent);
  }

  @Test
  void timeTheConsumerSpendsBetweenReadsDoesNotCount() throws IOException {
    FakeServer server = serve(ONE_KIB_PER_SECOND, repeat(1024, 20), Duration.ofMillis(100));
    byte[] buffer = new byte[1024];
    int total = 0;
    for (int n; (n = server.stream.read(buffer)) != -1; ) {
      total += n;
      clock.addAndGet(Duration.ofSeconds(5).toNanos()); // a slow disk, say
    }
    assertEquals(20 * 1024, total);
  }

  @Test
  void offNeverCutsATrickle() throws IOException {
    FakeServer server = serve(MinimumRate.OFF, repeat(1, 100), Duration.ofMillis(300));

    assertArrayEquals(new byte[100], server.stream.readAllBytes());
  }
}

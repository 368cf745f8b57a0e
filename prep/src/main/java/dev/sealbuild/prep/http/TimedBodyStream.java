package dev.sealbuild.prep.http;

import dev.sealbuild.formats.io.BulkInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A response body as an InputStream with an idle timeout, a deadline and a minimum rate, which the JDK's own
 * {@code BodyHandlers.ofInputStream()} lacks: a read that waits longer than {@code idleTimeout} for
 * the next chunk fails with {@link HttpTimeoutException}, any read once the deadline
 * (a {@code ticker} value) has passed with {@link DeadlineExceededException}, and a read that finds the body
 * slower than the minimum rate over its window with {@link BelowMinimumRateException}; each
 * cancels the exchange. The rate's clock runs only while a read waits for the server, so a slow consumer (a
 * full disk, an unpacker) never makes the server look slow. Only one chunk
 * is requested at a time, so the body is never buffered in memory. Interrupting the reading thread
 * makes a waiting read fail with {@link InterruptedIOException} (used for cancellation).
 */
final class TimedBodyStream extends BulkInputStream implements HttpResponse.BodySubscriber<InputStream> {
  private static final Object END = new Object();

  private record Failure(Throwable cause) {}

  private final BlockingQueue<Object> signals = new LinkedBlockingQueue<>();
  private final Duration idleTimeout;
  private final long deadlineNanos;
  private final MinimumRate minimumRate;
  private final ThroughputMonitor throughput;
  private final LongSupplier ticker;
  /** Time spent inside {@link #read} by the reads that have returned, and when the current one started. */
  private long readingNanos;
  private long readStart;
  private volatile Flow.Subscription subscription;
  private volatile boolean closed;
  private Iterator<ByteBuffer> chunk = Collections.emptyIterator();
  private ByteBuffer buffer;
  private boolean finished;

  TimedBodyStream(Duration idleTimeout, long deadlineNanos, MinimumRate minimumRate) {
    this(idleTimeout, deadlineNanos, minimumRate, System::nanoTime);
  }

  /** With {@code ticker} as the clock ({@link System#nanoTime()} outside tests). */
  TimedBodyStream(Duration idleTimeout, long deadlineNanos, MinimumRate minimumRate, LongSupplier ticker) {
    this.idleTimeout = idleTimeout;
    this.deadlineNanos = deadlineNanos;
    this.minimumRate = minimumRate;
    this.throughput = minimumRate.enabled() ? new ThroughputMonitor(minimumRate) : null;
    this.ticker = ticker;
  }

  /** The request ran past its overall deadline. */
  static final class DeadlineExceededException extends HttpTimeoutException {
    private static final long serialVersionUID = 1L;

    DeadlineExceededException(String message) {
      super(message);
    }
  }

  /** The body came slower than the minimum rate over its window. */
  static final class BelowMinimumRateException extends HttpTimeoutException {
    private static final long serialVersionUID = 1L;

    BelowMinimumRateException(long bytesSeen, MinimumRate rate) {
      super("the server sent " + ByteSize.format(bytesSeen) + " in the last " + Failures.seconds(rate.window())
          + ", below the minimum of " + rate.describe() + " (" + TransportSettings.MIN_RATE_VARIABLE + ")");
    }
  }

  @Override
  public CompletionStage<InputStream> getBody() {
    return CompletableFuture.completedStage(this);
  }

  @Override
  public void onSubscribe(Flow.Subscription newSubscription) {
    subscription = newSubscription;
    if (closed) {
      newSubscription.cancel();
    } else {
      newSubscription.request(1);
    }
  }

  @Override
  public void onNext(List<ByteBuffer> item) {
    signals.add(item);
  }

  @Override
  public void onError(Throwable throwable) {
    signals.add(new Failure(throwable));
  }

  @Override
  public void onComplete() {
    signals.add(END);
  }

  @Override
  public int read(byte[] target, int offset, int length) throws IOException {
    java.util.Objects.checkFromIndexSize(offset, length, target.length);
    if (closed) {
      throw new IOException("stream closed");
    }
    if (length == 0) {
      return 0;
    }
    readStart = ticker.getAsLong();
    try {
      ByteBuffer current = nextBuffer();
      if (current == null) {
        return -1;
      }
      int n = Math.min(length, current.remaining());
      current.get(target, offset, n);
      return n;
    } finally {
      readingNanos += ticker.getAsLong() - readStart;
    }
  }

  @Override
  public int available() {
    return buffer == null ? 0 : buffer.remaining();
  }

  @Override
  public void close() {
    closed = true;
    Flow.Subscription current = subscription;
    if (current != null) {
      current.cancel();
    }
    signals.clear();
  }

  private ByteBuffer nextBuffer() throws IOException {
    while (buffer == null || !buffer.hasRemaining()) {
      if (chunk.hasNext()) {
        buffer = chunk.next();
        continue;
      }
      if (finished) {
        return null;
      }
      Object signal = awaitSignal();
      if (signal == END) {
        finished = true;
        return null;
      }
      if (signal instanceof Failure failure) {
        finished = true;
        Throwable cause = failure.cause();
        throw cause instanceof IOException io ? io : new IOException(String.valueOf(cause.getMessage()), cause);
      }
      @SuppressWarnings("unchecked")
      List<ByteBuffer> next = (List<ByteBuffer>) signal;
      if (throughput != null) {
        throughput.received(readingClock(), next.stream().mapToLong(ByteBuffer::remaining).sum());
        checkRate();
      }
      chunk = next.iterator();
      subscription.request(1);
    }
    return buffer;
  }

  private Object awaitSignal() throws IOException {
    long idleNanos = idleTimeout.toNanos();
    long waitStart = ticker.getAsLong();
    while (true) {
      long now = ticker.getAsLong();
      long untilDeadline = deadlineNanos - now;
      if (untilDeadline <= 0) {
        close();
        throw new DeadlineExceededException("deadline");
      }
      long idleLeft = idleNanos - (now - waitStart);
      if (idleLeft <= 0) {
        close();
        throw new HttpTimeoutException("no data received for " + Failures.seconds(idleTimeout));
      }
      long wait = Math.min(idleLeft, untilDeadline);
      if (throughput != null) {
        wait = Math.min(wait, throughput.checkIntervalNanos());
      }
      Object signal;
      try {
        signal = signals.poll(wait, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        close();
        throw new InterruptedIOException("interrupted while reading the response");
      }
      if (signal != null) {
        return signal;
      }
      if (throughput != null) {
        checkRate();
      }
    }
  }

  /** The rate's clock: the time spent in reads, this one included. */
  private long readingClock() {
    return readingNanos + (ticker.getAsLong() - readStart);
  }

  private void checkRate() throws BelowMinimumRateException {
    OptionalLong seen = throughput.shortfall(readingClock());
    if (seen.isPresent()) {
      close();
      throw new BelowMinimumRateException(seen.getAsLong(), minimumRate);
    }
  }
}

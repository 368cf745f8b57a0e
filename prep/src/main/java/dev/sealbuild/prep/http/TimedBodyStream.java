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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A response body as an InputStream with an idle timeout and a deadline, which the JDK's own
 * {@code BodyHandlers.ofInputStream()} lacks: a read that waits longer than {@code idleTimeout} for
 * the next chunk fails with {@link HttpTimeoutException}, and so does any read once the deadline
 * (a {@link System#nanoTime()} value) has passed, with {@link DeadlineExceededException}; either
 * cancels the exchange. Only one chunk
 * is requested at a time, so the body is never buffered in memory. Interrupting the reading thread
 * makes a waiting read fail with {@link InterruptedIOException} (used for cancellation).
 */
final class TimedBodyStream extends BulkInputStream implements HttpResponse.BodySubscriber<InputStream> {
  private static final Object END = new Object();

  private record Failure(Throwable cause) {}

  private final BlockingQueue<Object> signals = new LinkedBlockingQueue<>();
  private final Duration idleTimeout;
  private final long deadlineNanos;
  private volatile Flow.Subscription subscription;
  private volatile boolean closed;
  private Iterator<ByteBuffer> chunk = Collections.emptyIterator();
  private ByteBuffer buffer;
  private boolean finished;

  TimedBodyStream(Duration idleTimeout, long deadlineNanos) {
    this.idleTimeout = idleTimeout;
    this.deadlineNanos = deadlineNanos;
  }

  /** The request ran past its overall deadline. */
  static final class DeadlineExceededException extends HttpTimeoutException {
    private static final long serialVersionUID = 1L;

    DeadlineExceededException(String message) {
      super(message);
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
    ByteBuffer current = nextBuffer();
    if (current == null) {
      return -1;
    }
    int n = Math.min(length, current.remaining());
    current.get(target, offset, n);
    return n;
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
      chunk = next.iterator();
      subscription.request(1);
    }
    return buffer;
  }

  private Object awaitSignal() throws IOException {
    long untilDeadline = deadlineNanos - System.nanoTime();
    if (untilDeadline <= 0) {
      close();
      throw new DeadlineExceededException("deadline");
    }
    long wait = Math.min(idleTimeout.toNanos(), untilDeadline);
    Object signal;
    try {
      signal = signals.poll(wait, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new InterruptedIOException("interrupted while reading the response");
    }
    if (signal == null) {
      close();
      if (wait < idleTimeout.toNanos()) {
        throw new DeadlineExceededException("deadline");
      }
      throw new HttpTimeoutException("no data received for " + Failures.seconds(idleTimeout));
    }
    return signal;
  }
}

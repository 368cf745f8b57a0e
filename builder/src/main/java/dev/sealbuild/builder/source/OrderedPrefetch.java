package dev.sealbuild.builder.source;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToLongFunction;

/**
 * Runs a slow, independent step (decompressing a package's payload) for the next items on worker threads while the
 * caller applies earlier ones, and hands the results out strictly in item order: what the caller does with them, and
 * so the image, is the same as without it, whatever the thread count. Steps start heaviest first (by the weight
 * given, a package's compressed size), so one large package does not leave the other workers idle at the end, and
 * as far ahead as a weight budget allows: results started but not yet taken weigh at most {@code budget}, beyond the
 * {@code threads + 1} that may always run ahead. An item the caller reaches before it started starts then. A step's
 * failure is thrown, as it was thrown, when the caller reaches its item. {@link #close} interrupts the workers, drops
 * the steps not yet begun, waits for the running ones and closes every result the caller did not take; a step that
 * fails must clean up after itself.
 */
public final class OrderedPrefetch<I, R extends Closeable> implements Closeable {
  /** The step, run on a worker thread; must not touch what the caller applies results to, and cleans up when it fails. */
  public interface Step<I, R> {
    R run(I item) throws IOException;
  }

  private final List<I> items;
  private final Step<I, R> step;
  private final ToLongFunction<I> weight;
  private final long budget;
  private final ExecutorService workers;
  private final int ahead;
  private final List<Future<R>> started;
  /** Item indexes in the order their steps start: heaviest first, ties in item order. */
  private final List<Integer> startOrder;
  private int nextStart;
  private int waiting;
  private long waitingWeight;
  private int taken;

  /** Steps in item order, at most {@code threads + 1} ahead. */
  public OrderedPrefetch(List<I> items, int threads, String name, Step<I, R> step) {
    this(items, threads, name, step, item -> 1, 0);
  }

  public OrderedPrefetch(List<I> items, int threads, String name, Step<I, R> step, ToLongFunction<I> weight,
      long budget) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1");
    }
    this.items = List.copyOf(items);
    this.step = step;
    this.weight = weight;
    this.budget = budget;
    this.ahead = threads + 1;
    this.started = new ArrayList<>(java.util.Collections.nCopies(this.items.size(), null));
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < this.items.size(); i++) {
      order.add(i);
    }
    order.sort(Comparator.comparingLong((Integer i) -> -weight.applyAsLong(this.items.get(i))).thenComparingInt(i -> i));
    this.startOrder = order;
    AtomicInteger count = new AtomicInteger();
    ThreadFactory factory = r -> {
      Thread t = new Thread(r, name + "-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    this.workers = Executors.newFixedThreadPool(threads, factory);
  }

  /** Worker threads for decompressing: the machine's processors, at most 4 (one decoder each). */
  public static int defaultThreads() {
    return Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
  }

  /** The next item's result, in item order; the caller closes it. */
  public R next() throws IOException {
    if (taken >= items.size()) {
      throw new IllegalStateException("no items left");
    }
    startAhead();
    if (started.get(taken) == null) {
      start(taken);
    }
    Future<R> future = started.get(taken);
    started.set(taken, null);
    waiting--;
    waitingWeight -= weight.applyAsLong(items.get(taken));
    taken++;
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for a package to be decompressed", e);
    } catch (ExecutionException e) {
      throw rethrow(e.getCause());
    }
  }

  private void startAhead() {
    while (nextStart < startOrder.size()) {
      int item = startOrder.get(nextStart);
      if (item < taken || started.get(item) != null) {
        nextStart++; // started when the caller reached it
        continue;
      }
      if (waiting >= ahead && waitingWeight + weight.applyAsLong(items.get(item)) > budget) {
        return; // over budget: the rest waits for the caller to take results
      }
      start(item);
      nextStart++;
    }
  }

  private void start(int index) {
    I item = items.get(index);
    started.set(index, workers.submit(() -> step.run(item)));
    waiting++;
    waitingWeight += weight.applyAsLong(item);
  }

  private static IOException rethrow(Throwable cause) throws IOException {
    if (cause instanceof IOException io) {
      throw io;
    }
    if (cause instanceof RuntimeException runtime) {
      throw runtime;
    }
    if (cause instanceof Error error) {
      throw error;
    }
    throw new IOException(cause);
  }

  @Override
  public void close() throws IOException {
    for (Runnable neverRun : workers.shutdownNow()) {
      if (neverRun instanceof Future<?> queued) {
        queued.cancel(false);
      }
    }
    boolean interrupted = false;
    IOException failure = null;
    for (Future<R> future : started) {
      if (future == null) {
        continue;
      }
      R result = null;
      while (true) {
        try {
          result = future.get();
          break;
        } catch (InterruptedException e) {
          interrupted = true; // still wait: a worker may be writing a file that must be deleted
        } catch (ExecutionException | CancellationException e) {
          break;
        }
      }
      if (result != null) {
        try {
          result.close();
        } catch (IOException | UncheckedIOException e) {
          failure = failure != null ? failure : e instanceof IOException io ? io : ((UncheckedIOException) e).getCause();
        }
      }
    }
    try {
      while (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
        // the workers were interrupted; a decoder stops at its next read
      }
    } catch (InterruptedException e) {
      interrupted = true;
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (failure != null) {
      throw failure;
    }
  }
}

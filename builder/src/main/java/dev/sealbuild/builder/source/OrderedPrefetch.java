package dev.sealbuild.builder.source;

import dev.sealbuild.formats.io.Failures;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToLongFunction;

/**
 * Runs a slow, independent step (decompressing a package's payload) for the next items on worker threads while the
 * caller applies earlier ones, and hands the results out strictly in item order: what the caller does with them, and
 * so the image, is the same as without it, whatever the thread count. A worker that comes free takes the item the
 * caller waits for, or the one it takes after that, if not started yet, else the heaviest item not started (by the weight given, a
 * package's compressed size), so one large package does not leave the other workers idle at the end and the caller
 * never waits behind a queue of large packages it does not need yet. Steps run as far ahead as a weight budget
 * allows: results started but not yet taken weigh at most {@code budget}, beyond the {@code threads + 1} that may
 * always run ahead. A step's failure is thrown, as it was thrown, when the caller reaches its item. {@link #close}
 * interrupts the workers, starts nothing more, waits for the running steps and closes every result the caller did
 * not take; a step that fails must clean up after itself.
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
  private final int threads;
  private final ExecutorService workers;
  private final int ahead;
  /** Per item: its result once started, null before; guarded by this. */
  private final List<CompletableFuture<R>> started;
  /** Item indexes heaviest first, ties in item order: the order in which steps start when the caller waits on none. */
  private final List<Integer> startOrder;
  private int nextStart;
  private int running;
  private int waiting;
  private long waitingWeight;
  private int taken;
  private boolean closed;

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
    this.threads = threads;
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
    CompletableFuture<R> future;
    synchronized (this) {
      if (taken >= items.size()) {
        throw new IllegalStateException("no items left");
      }
      if (closed) {
        throw new IllegalStateException("closed");
      }
      startWhatWorkersAreFreeFor();
      future = started.get(taken);
    }
    if (future == null) {
      future = awaitStart();
    }
    R result;
    try {
      result = future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for a package to be decompressed", e);
    } catch (ExecutionException e) {
      throw Failures.rethrow(e.getCause());
    } finally {
      synchronized (this) {
        started.set(taken, null);
        waiting--;
        waitingWeight -= weight.applyAsLong(items.get(taken));
        taken++;
        startWhatWorkersAreFreeFor();
      }
    }
    return result;
  }

  /** Every worker is busy with other items: the first to come free starts the caller's. */
  private synchronized CompletableFuture<R> awaitStart() throws IOException {
    while (started.get(taken) == null) {
      if (closed) {
        throw new IllegalStateException("closed");
      }
      try {
        wait();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for a package to be decompressed", e);
      }
    }
    return started.get(taken);
  }

  /** Starts steps while workers are free: the caller's item and the one after it first, then the heaviest within the budget. */
  private void startWhatWorkersAreFreeFor() {
    while (!closed && running < threads) {
      int item = nextToStart();
      if (item < 0) {
        return;
      }
      start(item);
    }
  }

  private int nextToStart() {
    for (int item = taken; item < Math.min(taken + 2, items.size()); item++) {
      if (started.get(item) == null) {
        return item;
      }
    }
    while (nextStart < startOrder.size()) {
      int item = startOrder.get(nextStart);
      if (item < taken || started.get(item) != null) {
        nextStart++; // started when the caller reached it
        continue;
      }
      if (waiting >= ahead && waitingWeight + weight.applyAsLong(items.get(item)) > budget) {
        return -1; // over budget: the rest waits for the caller to take results
      }
      nextStart++;
      return item;
    }
    return -1;
  }

  private void start(int index) {
    I item = items.get(index);
    CompletableFuture<R> future = new CompletableFuture<>();
    started.set(index, future);
    running++;
    waiting++;
    waitingWeight += weight.applyAsLong(item);
    notifyAll();
    workers.execute(new Task(future, () -> {
      try {
        future.complete(step.run(item));
      } catch (Throwable t) {
        future.completeExceptionally(t);
      } finally {
        synchronized (this) {
          running--;
          startWhatWorkersAreFreeFor();
        }
      }
    }));
  }

  /** A step as the pool holds it: one {@link #close} finds still queued is cancelled, so nobody waits for it. */
  private record Task(CompletableFuture<?> future, Runnable body) implements Runnable {
    @Override
    public void run() {
      body.run();
    }
  }

  @Override
  public void close() throws IOException {
    List<CompletableFuture<R>> pending;
    synchronized (this) {
      closed = true;
      pending = new ArrayList<>(started);
      notifyAll();
    }
    // interrupts the running steps; a step handed to the pool but not yet begun never runs, and is cancelled
    for (Runnable neverRun : workers.shutdownNow()) {
      if (neverRun instanceof Task task) {
        task.future().cancel(false);
      }
    }
    boolean interrupted = false;
    IOException failure = null;
    for (CompletableFuture<R> future : pending) {
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

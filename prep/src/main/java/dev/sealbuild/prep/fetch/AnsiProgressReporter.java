package dev.sealbuild.prep.fetch;

import dev.sealbuild.formats.digest.Sha256;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A progress bar redrawn in place on a terminal (bytes done/total, entries done/total, rate), with
 * each finished entry printed above it as a plain line.
 */
public final class AnsiProgressReporter implements ProgressReporter {
  private static final String CLEAR_LINE = "\r\033[2K";
  private static final int BAR_WIDTH = 24;
  private static final long REDRAW_INTERVAL_NANOS = 100_000_000L;

  private final PrintStream out;
  private final LongSupplier nanoTime;
  private final Map<FetchJob, Long> inFlight = new HashMap<>();
  private int entries;
  private int done;
  private long bytesToFetch = -1;
  private long completedBytes;
  private long startNanos;
  private long lastDrawNanos;

  /** @param nanoTime a monotonic clock in nanoseconds ({@code System::nanoTime}), for the rate */
  public AnsiProgressReporter(PrintStream out, LongSupplier nanoTime) {
    this.out = Objects.requireNonNull(out, "out");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
  }

  @Override
  public synchronized void start(int entryCount, long totalBytes) {
    entries = entryCount;
    bytesToFetch = totalBytes;
    startNanos = nanoTime.getAsLong();
    draw();
  }

  @Override
  public synchronized void cached(FetchJob job) {
    done++;
    printAbove("cached " + job.label());
  }

  @Override
  public synchronized void progress(FetchJob job, long bytesSoFar) {
    inFlight.put(job, bytesSoFar);
    if (nanoTime.getAsLong() - lastDrawNanos >= REDRAW_INTERVAL_NANOS) {
      draw();
    }
  }

  @Override
  public synchronized void fetched(FetchJob job, long size, Sha256 digest) {
    inFlight.remove(job);
    completedBytes += size;
    done++;
    printAbove("fetched " + job.label() + " " + HumanBytes.format(size) + " " + ProgressReporter.shortDigest(digest));
  }

  @Override
  public synchronized void failed(FetchJob job, String message) {
    inFlight.remove(job);
    done++;
    printAbove("failed " + job.label() + ": " + message);
  }

  @Override
  public synchronized void finish() {
    draw();
    out.print('\n');
    out.flush();
  }

  private void printAbove(String line) {
    out.print(CLEAR_LINE + line + "\n");
    draw();
  }

  private void draw() {
    lastDrawNanos = nanoTime.getAsLong();
    out.print(CLEAR_LINE + barLine());
    out.flush();
  }

  /** The bar's text without control sequences, e.g. {@code [######      ] 3/10 1.2 MiB/4.0 MiB 300.0 KiB/s}. */
  synchronized String barLine() {
    long bytesDone = completedBytes + inFlight.values().stream().mapToLong(Long::longValue).sum();
    double fraction = bytesToFetch > 0
        ? Math.min(1.0, (double) bytesDone / bytesToFetch)
        : entries == 0 ? 1.0 : (double) done / entries;
    int filled = (int) Math.round(fraction * BAR_WIDTH);
    double seconds = Math.max(1e-3, (nanoTime.getAsLong() - startNanos) / 1e9);
    return "[" + "#".repeat(filled) + " ".repeat(BAR_WIDTH - filled) + "] "
        + done + "/" + entries + " "
        + HumanBytes.format(bytesDone) + (bytesToFetch >= 0 ? "/" + HumanBytes.format(bytesToFetch) : "") + " "
        + HumanBytes.format((long) (bytesDone / seconds)) + "/s";
  }
}

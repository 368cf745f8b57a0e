package dev.sealbuild.formats.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Reads its source on a thread of its own, a few chunks ahead of the caller, so that what the source costs (a
 * download, a digest, a decompressor) runs on one core while the caller parses on another. What the source throws
 * reaches the caller unchanged, at the point of the stream where it happened.
 *
 * <p>Not Commons IO's {@code ReadAheadInputStream}: that one takes an {@link java.io.EOFException} from its source
 * for the end of the stream, and a decompressor reports a cut stream with exactly that exception.
 *
 * <p>The source is used by the reading thread only until {@link #close()}, which stops that thread (after the read in
 * progress, if any) and then closes the source on the caller's thread. Closing never interrupts the reading thread:
 * an interrupt would close a file channel the source writes to (a copy to a cache) under it.
 */
public final class ReadAheadInputStream extends InputStream {
  private static final byte[] END = new byte[0];

  private final InputStream source;
  private final int chunkSize;
  private final BlockingQueue<Object> chunks;
  private final Thread reader;
  private volatile boolean closed;
  private byte[] current = new byte[0];
  private int position;
  private boolean finished;

  /**
   * Starts reading {@code source} at once.
   *
   * @param chunkSize bytes per chunk handed over
   * @param chunksAhead how many chunks may wait for the caller (memory: {@code chunkSize * (chunksAhead + 2)})
   * @param threadName names the reading thread (thread dumps, profiles)
   */
  public ReadAheadInputStream(InputStream source, int chunkSize, int chunksAhead, String threadName) {
    if (chunkSize <= 0 || chunksAhead <= 0) {
      throw new IllegalArgumentException("chunk size and chunks ahead must be positive");
    }
    this.source = Objects.requireNonNull(source, "source");
    this.chunkSize = chunkSize;
    this.chunks = new ArrayBlockingQueue<>(chunksAhead);
    this.reader = new Thread(this::readAll, Objects.requireNonNull(threadName, "threadName"));
    reader.setDaemon(true);
    reader.start();
  }

  private void readAll() {
    Object last;
    try {
      while (!closed) {
        byte[] chunk = new byte[chunkSize];
        int n = source.readNBytes(chunk, 0, chunkSize);
        if (n > 0) {
          chunks.put(n == chunkSize ? chunk : Arrays.copyOf(chunk, n));
        }
        if (n < chunkSize) {
          break;
        }
      }
      last = END;
    } catch (InterruptedException e) {
      last = new InterruptedIOException("reading ahead was interrupted");
    } catch (Throwable e) {
      last = e;
    }
    try {
      chunks.put(last);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the caller notices the thread is gone
    }
  }

  @Override
  public int read() throws IOException {
    return BulkInputStream.readOneByte(this);
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (closed) {
      throw new IOException("stream closed");
    }
    if (len == 0) {
      return 0;
    }
    if (position == current.length && !next()) {
      return -1;
    }
    int n = Math.min(len, current.length - position);
    System.arraycopy(current, position, b, off, n);
    position += n;
    return n;
  }

  @Override
  public int available() {
    return current.length - position;
  }

  /** Takes the next chunk; false at the end of the source. */
  private boolean next() throws IOException {
    if (finished) {
      return false;
    }
    Object item;
    try {
      item = chunks.poll(100, TimeUnit.MILLISECONDS);
      while (item == null) {
        if (!reader.isAlive() && (item = chunks.poll()) == null) {
          throw new IOException("the thread reading ahead (" + reader.getName() + ") stopped without an end");
        }
        if (item == null) {
          item = chunks.poll(100, TimeUnit.MILLISECONDS);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for input");
    }
    if (item == END) {
      finished = true;
      return false;
    }
    if (item instanceof Throwable failure) {
      finished = true;
      throw Failures.rethrow(failure);
    }
    current = (byte[]) item;
    position = 0;
    return true;
  }

  /** Stops the reading thread, waiting for a read in progress to return, then closes the source. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    boolean interrupted = false;
    while (reader.isAlive()) {
      chunks.clear(); // a reader blocked on a full queue goes on, sees `closed` and stops
      try {
        reader.join(10);
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    source.close();
  }
}

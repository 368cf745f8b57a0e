package dev.sealbuild.formats.compress.write;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.zip.CRC32;

/**
 * One gzip member compressed in parallel the way pigz does it, with bytes that depend only on the input: the input
 * is cut into fixed-size blocks, each deflated on its own by {@link DeflateBlock} (sealbuild's own deflate, the previous
 * 32 KiB as dictionary, a sync flush at its end) and written in order; the block left at {@link #close} (possibly
 * empty) is the final one. Where the caller's writes fall, when it flushes and how many threads run change nothing.
 *
 * <p>The header has no name and no time and says "unknown OS" (255); the trailer is the CRC-32 (computed here, in
 * order) and the length mod 2^32. At most {@code maxInFlight} blocks are compressed or waiting to be written at a
 * time. A block that fails to compress fails the next write or {@link #close} with its cause; the stream is then
 * unusable.
 */
public final class ParallelGzipOutputStream extends OutputStream {
  public static final int DEFAULT_BLOCK_SIZE = 128 * 1024;
  private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 255};

  /** Deflates one block: {@link DeflateBlock}, or a stand-in in tests. Called from several threads at once. */
  interface BlockCompressor {
    byte[] compress(byte[] dictionary, byte[] input, int length, boolean last) throws IOException;
  }

  private final OutputStream out;
  private final Executor executor;
  private final BlockCompressor compressor;
  private final int maxInFlight;
  private final int blockSize;
  private final ArrayDeque<CompletableFuture<byte[]>> inFlight = new ArrayDeque<>();
  private final CRC32 crc = new CRC32();
  private long length;
  private byte[] block;
  private int filled;
  private byte[] previous;
  private boolean headerWritten;
  private boolean closed;
  private IOException failure;

  /**
   * @param executor runs the block compressions; owned by the caller (this stream never shuts it down)
   * @param maxInFlight blocks compressing or waiting at once (at least 1): bounds memory to about
   *     {@code maxInFlight * blockSize * 2}
   * @param blockSize input bytes per block, at least 32 KiB; part of the output's identity
   */
  public ParallelGzipOutputStream(OutputStream out, Executor executor, int maxInFlight, int blockSize) {
    this(out, executor, maxInFlight, blockSize, new DeflateBlock());
  }

  ParallelGzipOutputStream(OutputStream out, Executor executor, int maxInFlight, int blockSize, BlockCompressor compressor) {
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be at least 1, got " + maxInFlight);
    }
    if (blockSize < DeflateBlock.DICTIONARY_SIZE) {
      throw new IllegalArgumentException("blockSize must be at least " + DeflateBlock.DICTIONARY_SIZE + ", got " + blockSize);
    }
    this.out = Objects.requireNonNull(out, "out");
    this.executor = Objects.requireNonNull(executor, "executor");
    this.maxInFlight = maxInFlight;
    this.blockSize = blockSize;
    this.compressor = Objects.requireNonNull(compressor, "compressor");
    this.block = new byte[blockSize];
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    ensureOpen();
    crc.update(b, off, len);
    length += len;
    while (len > 0) {
      int n = Math.min(len, blockSize - filled);
      System.arraycopy(b, off, block, filled, n);
      filled += n;
      off += n;
      len -= n;
      if (filled == blockSize) {
        dispatch(false);
      }
    }
  }

  /** Writes out the blocks already compressed; a partial block stays buffered, as a sync point would change the bytes. */
  @Override
  public void flush() throws IOException {
    ensureOpen();
    while (!inFlight.isEmpty() && inFlight.peek().isDone()) {
      writeHead();
    }
    out.flush();
  }

  /** Compresses the last block, writes the trailer and closes the underlying stream. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    try {
      ensureOpen();
      dispatch(true);
      while (!inFlight.isEmpty()) {
        writeHead();
      }
      byte[] trailer = new byte[8];
      putIntLe(trailer, 0, (int) crc.getValue());
      putIntLe(trailer, 4, (int) length);
      out.write(trailer);
    } catch (IOException | RuntimeException | Error e) {
      abandon();
      try {
        out.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    } finally {
      closed = true;
    }
    out.close();
  }

  private void dispatch(boolean last) throws IOException {
    byte[] input = block;
    int n = filled;
    byte[] dictionary = previous;
    while (inFlight.size() >= maxInFlight) {
      writeHead();
    }
    CompletableFuture<byte[]> task;
    try {
      task = CompletableFuture.supplyAsync(() -> {
        try {
          return compressor.compress(dictionary, input, n, last);
        } catch (IOException e) {
          throw new CompletionException(e);
        }
      }, executor);
    } catch (RuntimeException e) {
      throw fail(new IOException("cannot start compressing a gzip block: " + e, e));
    }
    inFlight.add(task);
    previous = input;
    block = last ? null : new byte[blockSize];
    filled = 0;
    while (!inFlight.isEmpty() && inFlight.peek().isDone()) {
      writeHead();
    }
  }

  private void writeHead() throws IOException {
    byte[] compressed;
    try {
      compressed = inFlight.peek().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw fail(new InterruptedIOException("interrupted while compressing a gzip block"));
    } catch (ExecutionException | CancellationException e) {
      Throwable cause = e instanceof ExecutionException && e.getCause() instanceof CompletionException c && c.getCause() != null
          ? c.getCause() : e.getCause() != null ? e.getCause() : e;
      throw fail(cause instanceof IOException io ? io : new IOException("compressing a gzip block failed: " + cause, cause));
    }
    inFlight.poll();
    if (!headerWritten) {
      out.write(HEADER);
      headerWritten = true;
    }
    out.write(compressed);
  }

  private IOException fail(IOException e) {
    failure = e;
    abandon();
    return e;
  }

  /** Drops the blocks in flight: their results are never written. */
  private void abandon() {
    inFlight.forEach(t -> t.cancel(false));
    inFlight.clear();
    block = null;
    previous = null;
  }

  private void ensureOpen() throws IOException {
    if (failure != null) {
      throw new IOException("gzip stream failed earlier: " + failure.getMessage(), failure);
    }
    if (closed) {
      throw new IOException("gzip stream is closed");
    }
  }

  private static void putIntLe(byte[] b, int at, int v) {
    b[at] = (byte) v;
    b[at + 1] = (byte) (v >>> 8);
    b[at + 2] = (byte) (v >>> 16);
    b[at + 3] = (byte) (v >>> 24);
  }
}

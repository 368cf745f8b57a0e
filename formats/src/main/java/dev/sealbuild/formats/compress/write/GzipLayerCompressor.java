package dev.sealbuild.formats.compress.write;

import dev.sealbuild.formats.compress.Compression;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** gzip layers: {@link ParallelGzipOutputStream} on a thread pool of its own per stream, shut down at close. */
record GzipLayerCompressor(int threads, int blockSize) implements LayerCompressor {
  /** Blocks in flight per thread: enough to keep every thread busy while the writer waits on the oldest. */
  private static final int BLOCKS_PER_THREAD = 2;

  GzipLayerCompressor {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
  }

  @Override
  public Compression compression() {
    return Compression.GZIP;
  }

  @Override
  public String identity() {
    return "gzip " + DeflateBlock.ALGORITHM + " block" + blockSize;
  }

  @Override
  public OutputStream open(OutputStream out) {
    ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
        daemonThreads());
    pool.allowCoreThreadTimeOut(true);
    ParallelGzipOutputStream gzip = new ParallelGzipOutputStream(out, pool, threads * BLOCKS_PER_THREAD, blockSize);
    return new FilterOutputStream(gzip) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        gzip.write(b, off, len);
      }

      @Override
      public void close() throws IOException {
        try {
          gzip.close();
        } finally {
          pool.shutdownNow();
        }
      }
    };
  }

  private static ThreadFactory daemonThreads() {
    AtomicInteger count = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "sealbuild-gzip-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}

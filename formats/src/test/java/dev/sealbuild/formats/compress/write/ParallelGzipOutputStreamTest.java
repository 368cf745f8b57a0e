package dev.sealbuild.formats.compress.write;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.formats.digest.Sha256;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ParallelGzipOutputStreamTest {
  private static final int BLOCK = ParallelGzipOutputStream.DEFAULT_BLOCK_SIZE;
  private final ExecutorService pool = Executors.newFixedThreadPool(8);
  private final DeflateBlock deflate = new DeflateBlock();

  @AfterEach
  void stop() throws InterruptedException {
    pool.shutdownNow();
    assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
  }

  /** These pin the algorithm: a change here changes every gzip layer's digest, so it must be deliberate. */
  @Test
  void goldenDigestsPinTheOutput() throws IOException {
    assertEquals("ac73670af3abed54ac6fb4695131f4099be9fbe39d6076c5d0264a6bbdae9d83", Sha256.hash(gzip(TestInputs.EMPTY, 1, 1 << 20)).hex());
    assertEquals("225a5c7389352387c5525a740921b1c3a21202ee462a84b15310959260dc5fb5", Sha256.hash(gzip(TestInputs.SMALL, 1, 1 << 20)).hex());
    assertEquals("5c0001e703c8bfc2df4bb342a59b53823a18cae44c48d08b28fdd42b2283e474", Sha256.hash(gzip(TestInputs.LARGE, 1, 1 << 20)).hex());
  }

  @Test
  void emptyInputIsAHeaderAnEmptyFinalBlockAndATrailer() throws IOException {
    assertArrayEquals(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0},
        gzip(TestInputs.EMPTY, 1, 1));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 8})
  void sameBytesForAnyThreadCountAndAnyChunking(int threads) throws IOException {
    byte[] expected = gzip(TestInputs.LARGE, 1, 1 << 20);
    assertArrayEquals(expected, gzip(TestInputs.LARGE, threads, 1 << 20), "whole array, " + threads + " threads");
    assertArrayEquals(expected, gzip(TestInputs.LARGE, threads, 1), "byte by byte, " + threads + " threads");
    assertArrayEquals(expected, gzip(TestInputs.LARGE, threads, -1), "random chunks, " + threads + " threads");
    assertArrayEquals(expected, gzip(TestInputs.LARGE, threads, BLOCK), "block-sized chunks, " + threads + " threads");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 100, BLOCK - 1, BLOCK, BLOCK + 1, 3 * BLOCK, 32 * 1024 * 3 + 7})
  void roundTripsThroughTheJdksGzipReader(int size) throws IOException {
    byte[] input = TestInputs.mixed(size, size);
    byte[] compressed = gzip(input, 2, 777);
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed))) {
      assertArrayEquals(input, in.readAllBytes());
    }
  }

  @Test
  void repetitiveInputCompressesAcrossBlockBoundaries() throws IOException {
    // each block sees the previous 32 KiB: a repeated 20 KiB pattern costs almost nothing after the first copy
    byte[] pattern = TestInputs.mixed(9, 20_000);
    byte[] input = new byte[40 * BLOCK];
    for (int i = 0; i < input.length; i++) {
      input[i] = pattern[i % pattern.length];
    }
    int primed = gzip(input, 2, 1 << 20).length;
    ByteArrayOutputStream unprimed = new ByteArrayOutputStream();
    try (ParallelGzipOutputStream gz = new ParallelGzipOutputStream(unprimed, pool, 2, BLOCK,
        (dictionary, in, length, last) -> deflate.compress(null, in, length, last))) {
      gz.write(input);
    }
    assertTrue(primed * 4 < unprimed.size(), "primed " + primed + " bytes, unprimed " + unprimed.size());
  }

  @Test
  void aFailingBlockFailsTheWriteWithItsCauseAndNothingMoreIsWritten() throws IOException {
    IOException boom = new IOException("block 3 broke");
    AtomicInteger calls = new AtomicInteger();
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    ParallelGzipOutputStream gz = new ParallelGzipOutputStream(sink, pool, 2, BLOCK, (dictionary, input, length, last) -> {
      if (calls.incrementAndGet() == 3) {
        throw boom;
      }
      return deflate.compress(dictionary, input, length, last);
    });
    IOException thrown = assertThrows(IOException.class, () -> {
      gz.write(TestInputs.LARGE);
      gz.close();
    });
    assertSame(boom, thrown);
    int written = sink.size();
    assertThrows(IOException.class, () -> gz.write(1));
    assertEquals(written, sink.size());
  }

  @Test
  void aFailingSinkFailsTheWrite() {
    OutputStream broken = new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        throw new IOException("disk full");
      }
    };
    IOException thrown = assertThrows(IOException.class, () -> {
      try (ParallelGzipOutputStream gz = new ParallelGzipOutputStream(broken, pool, 2, BLOCK)) {
        gz.write(TestInputs.LARGE);
      }
    });
    assertEquals("disk full", thrown.getMessage());
  }

  @Test
  void noThreadOutlivesAStreamThatIsClosedOrFailed() throws Exception {
    try (OutputStream out = LayerCompressor.gzip(4).open(OutputStream.nullOutputStream())) {
      out.write(TestInputs.LARGE);
    }
    OutputStream broken = new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        throw new IOException("disk full");
      }
    };
    assertThrows(IOException.class, () -> {
      try (OutputStream out = LayerCompressor.gzip(4).open(broken)) {
        out.write(TestInputs.LARGE);
      }
    });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (gzipThreads() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(0, gzipThreads());
  }

  @Test
  void theMemoryBoundIsEnforcedByWaitingForTheOldestBlock() throws IOException {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    try (ParallelGzipOutputStream gz = new ParallelGzipOutputStream(OutputStream.nullOutputStream(), pool, 3, BLOCK,
        (dictionary, input, length, last) -> {
          most.accumulateAndGet(running.incrementAndGet(), Math::max);
          try {
            return deflate.compress(dictionary, input, length, last);
          } finally {
            running.decrementAndGet();
          }
        })) {
      gz.write(TestInputs.LARGE);
    }
    assertTrue(most.get() <= 3, "at most 3 blocks at once, saw " + most.get());
  }

  private static long gzipThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("sealbuild-gzip-")).count();
  }

  /** Compressed with {@code threads} threads, written in chunks of {@code chunk} bytes (-1: random sizes). */
  private byte[] gzip(byte[] input, int threads, int chunk) throws IOException {
    ExecutorService executor = threads == 8 ? pool : Executors.newFixedThreadPool(threads);
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (ParallelGzipOutputStream gz = new ParallelGzipOutputStream(sink, executor, 2 * threads, BLOCK)) {
      Random random = new Random(7);
      for (int at = 0; at < input.length; ) {
        int n = chunk == 1 ? 1 : Math.min(input.length - at, chunk > 0 ? chunk : random.nextInt(70_000));
        if (n == 1) {
          gz.write(input[at]);
        } else {
          gz.write(input, at, n);
        }
        if (random.nextInt(20) == 0) {
          gz.flush();
        }
        at += n;
      }
    } finally {
      if (executor != pool) {
        executor.shutdownNow();
      }
    }
    return sink.toByteArray();
  }
}

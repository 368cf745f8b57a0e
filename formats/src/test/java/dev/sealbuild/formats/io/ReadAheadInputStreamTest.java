package dev.sealbuild.formats.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A stream read ahead on its own thread: the same bytes, the source's own failures, a clean stop on close. */
class ReadAheadInputStreamTest {
  private static final int CHUNK = 1000;

  /** Records which threads read it and how often it was closed; fails with {@code failure} after its bytes. */
  private static final class Source extends InputStream {
    final InputStream bytes;
    final IOException failure;
    final Set<String> readers = ConcurrentHashMap.newKeySet();
    final AtomicInteger reads = new AtomicInteger();
    final AtomicInteger closes = new AtomicInteger();

    Source(byte[] bytes, IOException failure) {
      this.bytes = new ByteArrayInputStream(bytes);
      this.failure = failure;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      readers.add(Thread.currentThread().getName());
      reads.incrementAndGet();
      int n = bytes.read(b, off, Math.min(len, 333));
      if (n < 0 && failure != null) {
        throw failure;
      }
      return n;
    }

    @Override
    public void close() {
      closes.incrementAndGet();
    }
  }

  private static byte[] random(int size) {
    byte[] data = new byte[size];
    new Random(size).nextBytes(data);
    return data;
  }

  @Test
  void givesTheSourcesBytesReadOnItsOwnThread() throws IOException {
    for (int size : new int[] {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 10 * CHUNK + 7}) {
      byte[] data = random(size);
      Source source = new Source(data, null);
      ByteArrayOutputStream copy = new ByteArrayOutputStream();
      try (ReadAheadInputStream in = new ReadAheadInputStream(source, CHUNK, 2, "test-read-ahead")) {
        int first = in.read();
        if (first >= 0) {
          copy.write(first);
        }
        in.transferTo(copy);
        assertEquals(-1, in.read());
      }
      assertArrayEquals(data, copy.toByteArray(), "size " + size);
      assertEquals(Set.of("test-read-ahead"), source.readers);
      assertEquals(1, source.closes.get());
    }
  }

  @Test
  void theSourcesFailureArrivesAsItselfAfterTheBytesBeforeIt() throws IOException {
    byte[] data = random(3 * CHUNK + 5);
    IOException cut = new EOFException("Unexpected end of ZLIB input stream");
    try (ReadAheadInputStream in = new ReadAheadInputStream(new Source(data, cut), CHUNK, 2, "test-read-ahead")) {
      assertArrayEquals(Arrays.copyOf(data, 3 * CHUNK), in.readNBytes(3 * CHUNK));
      IOException thrown = assertThrows(IOException.class, () -> in.readNBytes(10 * CHUNK));
      assertSame(cut, thrown, "an EOFException is a failure here, not the end");
    }
    IllegalStateException bug = new IllegalStateException("bug");
    InputStream throwing = new InputStream() {
      @Override
      public int read() {
        throw bug;
      }
    };
    try (ReadAheadInputStream in = new ReadAheadInputStream(throwing, CHUNK, 2, "test-read-ahead")) {
      assertSame(bug, assertThrows(IllegalStateException.class, in::read));
    }
  }

  @Test
  void closingEarlyStopsTheThreadAndThenClosesTheSourceOnce() {
    assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
      Source source = new Source(random(1000 * CHUNK), null);
      ReadAheadInputStream in = new ReadAheadInputStream(source, CHUNK, 1, "test-read-ahead-early-close");
      in.readNBytes(10);
      while (source.reads.get() < 6) {
        Thread.sleep(1); // the reader fills the queue and blocks on it
      }
      in.close();
      int readsAtClose = source.reads.get();
      assertEquals(1, source.closes.get());
      assertFalse(Thread.getAllStackTraces().keySet().stream()
          .anyMatch(t -> t.getName().equals("test-read-ahead-early-close") && t.isAlive()));
      Thread.sleep(20);
      assertEquals(readsAtClose, source.reads.get(), "nothing reads the source after close");
      assertTrue(readsAtClose < 1000 * CHUNK / 333, "it stopped before the end");
      assertThrows(IOException.class, in::read);
      in.close();
      assertEquals(1, source.closes.get());
    });
  }
}

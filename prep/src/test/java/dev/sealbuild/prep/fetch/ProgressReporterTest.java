package dev.sealbuild.prep.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.formats.digest.Sha256;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressReporterTest {
  private static final Sha256 DIGEST = Sha256.ofHex("ab".repeat(32));
  private final FetchJob first = new FetchJob("files[0]", URI.create("https://example.test/a"), DIGEST, 2048L);
  private final FetchJob second = new FetchJob("files[1]", URI.create("https://example.test/b"),
      Sha256.ofHex("cd".repeat(32)), 1024L);

  @Test
  void ansiBarRedrawsOneLineWithBytesEntriesAndRate() {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    AtomicLong nanos = new AtomicLong();
    AnsiProgressReporter bar = new AnsiProgressReporter(new PrintStream(buffer, true, StandardCharsets.UTF_8), nanos::get);

    bar.start(3, 3072);
    bar.cached(new FetchJob("files[2]", URI.create("https://example.test/c"), Sha256.ofHex("ef".repeat(32)), 1L));
    nanos.set(1_000_000_000L);
    bar.progress(first, 1024);
    assertEquals("[########                ] 1/3 1.0 KiB/3.0 KiB 1.0 KiB/s", bar.barLine());
    nanos.set(2_000_000_000L);
    bar.fetched(first, 2048, DIGEST);
    bar.progress(second, 1024);
    assertEquals("[########################] 2/3 3.0 KiB/3.0 KiB 1.5 KiB/s", bar.barLine());
    bar.fetched(second, 1024, second.sha256());
    bar.finish();

    String output = buffer.toString(StandardCharsets.UTF_8);
    assertTrue(output.contains("\r\033[2Kcached files[2]\n"), output);
    assertTrue(output.contains("\r\033[2Kfetched files[0] 2.0 KiB sha256:abababababab...\n"), output);
    assertTrue(output.endsWith("\r\033[2K[########################] 3/3 3.0 KiB/3.0 KiB 1.5 KiB/s\n"), output);
  }

  @Test
  void progressRedrawsAreThrottled() {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    AtomicLong nanos = new AtomicLong();
    AnsiProgressReporter bar = new AnsiProgressReporter(new PrintStream(buffer, true, StandardCharsets.UTF_8), nanos::get);
    bar.start(1, 1_000_000);
    for (int i = 1; i <= 1000; i++) {
      nanos.addAndGet(1_000_000L); // 1 ms per chunk
      bar.progress(first, i * 1000L);
    }

    long redraws = buffer.toString(StandardCharsets.UTF_8).split("\r", -1).length - 1;
    assertTrue(redraws >= 9 && redraws <= 12, "about one redraw per 100 ms, got " + redraws);
  }

  @Test
  void unknownTotalShowsBytesDoneOnly() {
    AnsiProgressReporter bar = new AnsiProgressReporter(new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8), () -> 1_000_000_000L);
    bar.start(2, -1);
    bar.fetched(first, 5 * 1024 * 1024, DIGEST);
    assertTrue(bar.barLine().startsWith("[############            ] 1/2 5.0 MiB "), bar.barLine());
  }

  @Test
  void plainReporterPrintsFailures() {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    ProgressReporter plain = ProgressReporter.choose(false, new PrintStream(buffer, true, StandardCharsets.UTF_8));

    plain.failed(first, "fetch failed for files[0] (https://example.test/a): HTTP 404 Not Found");

    assertEquals("failed files[0]: fetch failed for files[0] (https://example.test/a): HTTP 404 Not Found\n",
        buffer.toString(StandardCharsets.UTF_8));
  }

  @Test
  void humanBytes() {
    assertEquals("0 B", HumanBytes.format(0));
    assertEquals("1023 B", HumanBytes.format(1023));
    assertEquals("1.0 KiB", HumanBytes.format(1024));
    assertEquals("1.2 MiB", HumanBytes.format(1_258_291));
    assertEquals("3.0 GiB", HumanBytes.format(3L << 30));
  }
}

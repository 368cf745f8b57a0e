package dev.sealbuild.prep.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.sealbuild.lockfiles.cache.VendorCacheLayout;
import dev.sealbuild.formats.digest.Sha256;
import java.io.ByteArrayInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CacheWriterTest {
  @TempDir Path dir;

  private VendorCacheLayout layout() {
    return new VendorCacheLayout(dir.resolve("cache"));
  }

  static byte[] randomBytes(int size, long seed) {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    return data;
  }

  static Sha256 sha256(byte[] data) throws Exception {
    return Sha256.of(MessageDigest.getInstance("SHA-256").digest(data));
  }

  private static List<Path> filesUnder(Path root) throws IOException {
    if (!Files.exists(root)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(p -> !Files.isDirectory(p)).sorted().toList();
    }
  }

  @Test
  void storesVerifiedContentUnderItsDigest() throws Exception {
    CacheWriter cache = CacheWriter.open(layout());
    byte[] data = randomBytes(200_000, 1);
    Sha256 digest = sha256(data);

    Sha256 stored = cache.put(new ByteArrayInputStream(data), digest, (long) data.length, "files[0]");

    assertEquals(digest, stored);
    assertTrue(cache.contains(digest));
    assertArrayEquals(data, Files.readAllBytes(layout().blob(digest)));
    assertEquals(List.of(layout().blob(digest)), filesUnder(layout().root()));
  }

  @Test
  void withoutExpectationsReturnsTheComputedDigest() throws Exception {
    CacheWriter cache = CacheWriter.open(layout());
    byte[] data = "unpinned content".getBytes(StandardCharsets.UTF_8);

    Sha256 stored = cache.put(new ByteArrayInputStream(data), null, null, "files[3]");

    assertEquals(sha256(data), stored);
    assertArrayEquals(data, Files.readAllBytes(layout().blob(stored)));
  }

  @Test
  void wrongDigestNamesEntrySourceAndBothDigestsAndStoresNothing() throws Exception {
    CacheWriter cache = CacheWriter.open(layout());
    byte[] data = randomBytes(1000, 2);
    Sha256 expected = sha256("something else".getBytes(StandardCharsets.UTF_8));

    ContentMismatchException e = assertThrows(ContentMismatchException.class,
        () -> cache.put(new ByteArrayInputStream(data), expected, 1000L, "files[2]", "https://example.test/x.tar.gz"));

    String message = e.getMessage();
    assertFalse(message.contains("\n"), message);
    assertTrue(message.contains("files[2]"), message);
    assertTrue(message.contains("https://example.test/x.tar.gz"), message);
    assertTrue(message.contains(expected.toString()), message);
    assertTrue(message.contains(sha256(data).toString()), message);
    assertTrue(message.contains("1000 bytes"), message);
    assertEquals(List.of(), filesUnder(layout().root()));
  }

  @Test
  void stopsReadingOneByteAfterTheExpectedSize() throws Exception {
    CacheWriter cache = CacheWriter.open(layout());
    CountingEndlessStream endless = new CountingEndlessStream();

    ContentMismatchException e = assertThrows(ContentMismatchException.class,
        () -> cache.put(endless, null, 1000L, "files[1]", "https://example.test/big"));

    assertEquals(1001, endless.bytesRead);
    assertTrue(e.getMessage().contains("expected 1000 bytes"), e.getMessage());
    assertTrue(e.getMessage().contains("files[1]"), e.getMessage());
    assertEquals(List.of(), filesUnder(layout().root()));
  }

  @Test
  void shorterThanExpectedIsRejected() throws Exception {
    CacheWriter cache = CacheWriter.open(layout());
    byte[] data = randomBytes(900, 3);

    ContentMismatchException e = assertThrows(ContentMismatchException.class,
        () -> cache.put(new ByteArrayInputStream(data), sha256(data), 1000L, "files[4]"));

    assertTrue(e.getMessage().contains("expected 1000 bytes"), e.getMessage());
    assertTrue(e.getMessage().contains("got 900 bytes"), e.getMessage());
    assertEquals(List.of(), filesUnder(layout().root()));
  }

  @Test
  void sourceReadFailureIsAnIOExceptionAndLeavesNothing() throws Exception {
    CacheWriter cache = CacheWriter.open(layout());
    InputStream failing = new InputStream() {
      int served;

      @Override
      public int read() throws IOException {
        if (served++ > 5000) {
          throw new IOException("connection reset");
        }
        return 7;
      }
    };

    IOException e = assertThrows(IOException.class, () -> cache.put(failing, null, 10_000L, "files[0]"));

    assertEquals("connection reset", e.getMessage());
    assertEquals(List.of(), filesUnder(layout().root()));
  }

  @Test
  void fullDiskWhileWritingIsOneLineNamingEntryAndCacheAndLeavesNothing() throws Exception {
    TempFileOpener fillsUp = path -> new FilterOutputStream(Files.newOutputStream(path)) {
      long written;

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        written += len;
        if (written > 100_000) {
          throw new IOException("No space left on device");
        }
        out.write(b, off, len);
      }
    };
    CacheWriter cache = CacheWriter.open(layout(), fillsUp, Clock.systemUTC());
    byte[] data = randomBytes(300_000, 4);

    CacheException e = assertThrows(CacheException.class,
        () -> cache.put(new ByteArrayInputStream(data), sha256(data), (long) data.length, "files[7]"));

    assertFalse(e instanceof ContentMismatchException);
    String message = e.getMessage();
    assertFalse(message.contains("\n"), message);
    assertTrue(message.contains("files[7]"), message);
    assertTrue(message.contains(layout().root().toString()), message);
    assertTrue(message.contains("No space left on device"), message);
    assertTrue(message.contains("free some disk space"), message);
    assertEquals(List.of(), filesUnder(layout().root()));
  }

  @Test
  void fullDiskWhenCreatingTheTempFileIsOneLine() throws Exception {
    TempFileOpener noSpace = path -> {
      throw new FileSystemException(path.toString(), null, "No space left on device");
    };
    CacheWriter cache = CacheWriter.open(layout(), noSpace, Clock.systemUTC());

    CacheException e = assertThrows(CacheException.class,
        () -> cache.put(new ByteArrayInputStream(new byte[10]), null, null, "files[8]"));

    assertTrue(e.getMessage().startsWith("cannot write files[8] into cache " + layout().root()
        + ": No space left on device;"), e.getMessage());
    assertEquals(List.of(), filesUnder(layout().root()));
  }

  @Test
  void cacheDirThatIsAFileIsOneLineError() throws Exception {
    Files.writeString(dir.resolve("cache"), "not a dir");

    CacheException e = assertThrows(CacheException.class, () -> CacheWriter.open(layout()));

    assertFalse(e.getMessage().contains("\n"));
    assertTrue(e.getMessage().contains(layout().root().toString()), e.getMessage());
    assertTrue(e.getMessage().contains("not a directory"), e.getMessage());
  }

  @Test
  void unreadableCacheDirIsOneLineError() throws Exception {
    assumeFalse("root".equals(System.getProperty("user.name")), "permissions do not apply to root");
    CacheWriter.open(layout());
    Files.setPosixFilePermissions(layout().blobsDir(), PosixFilePermissions.fromString("---------"));
    try {
      CacheException e = assertThrows(CacheException.class, () -> CacheWriter.open(layout()));
      assertFalse(e.getMessage().contains("\n"));
      assertTrue(e.getMessage().contains(layout().root().toString()), e.getMessage());
    } finally {
      Files.setPosixFilePermissions(layout().blobsDir(), PosixFilePermissions.fromString("rwx------"));
    }
  }

  @Test
  void brokenCacheLayoutIsAOneLineErrorNotAMiss() throws Exception {
    CacheWriter cache = CacheWriter.open(layout());
    Files.delete(layout().blobsDir());
    Files.writeString(layout().blobsDir(), "a file where blobs/sha256/ should be");

    CacheException e = assertThrows(CacheException.class,
        () -> cache.contains(sha256("x".getBytes(StandardCharsets.UTF_8))));

    assertEquals("cannot read cache dir " + layout().root() + ": Not a directory; check its permissions or pass --cache DIR",
        e.getMessage());
  }

  @Test
  void importCopiesInOnceAndVerifyFindsAFlippedByte() throws Exception {
    CacheWriter cache = CacheWriter.open(layout());
    byte[] first = randomBytes(50_000, 5);
    byte[] second = randomBytes(70_000, 6);
    Path a = Files.write(dir.resolve("a.bin"), first);
    Path b = Files.write(dir.resolve("b.bin"), second);

    Sha256 digestA = cache.importFile(a);
    Sha256 digestB = cache.importFile(b);
    assertEquals(sha256(first), digestA);
    assertEquals(sha256(second), digestB);
    assertTrue(cache.verifyAll(false).clean());
    assertEquals(2, cache.verifyAll(false).blobsChecked());

    FileTime old = FileTime.from(Instant.parse("2001-01-01T00:00:00Z"));
    Files.setLastModifiedTime(layout().blob(digestA), old);
    assertEquals(digestA, cache.importFile(a));
    assertEquals(old, Files.getLastModifiedTime(layout().blob(digestA)), "present blob is not rewritten");

    byte[] corrupted = Files.readAllBytes(layout().blob(digestB));
    corrupted[12_345] ^= 0x01;
    Files.write(layout().blob(digestB), corrupted);
    Files.writeString(layout().blobsDir().resolve("not-a-digest"), "junk");
    Files.writeString(layout().blobsDir().getParent().resolve("stray.txt"), "junk");

    VerifyReport report = cache.verifyAll(false);
    assertEquals(2, report.blobsChecked());
    assertEquals(List.of(
            new BadBlob(layout().blobsDir().resolve(digestB.hex()), BadBlob.Problem.WRONG_CONTENT,
                "content hashes to " + sha256(corrupted) + " (70000 bytes)", false),
            new BadBlob(layout().blobsDir().resolve("not-a-digest"), BadBlob.Problem.BAD_NAME,
                "name is not a sha256 digest", false)),
        report.problems().stream().filter(p -> p.problem() != BadBlob.Problem.STRAY).toList());
    assertEquals(List.of(layout().blobsDir().getParent().resolve("stray.txt")),
        report.problems().stream().filter(p -> p.problem() == BadBlob.Problem.STRAY).map(BadBlob::path).toList());
    assertTrue(cache.contains(digestB));

    VerifyReport repaired = cache.verifyAll(true);
    assertTrue(repaired.problems().stream().allMatch(BadBlob::deleted));
    assertFalse(cache.contains(digestB));
    assertTrue(cache.contains(digestA));
    assertTrue(cache.verifyAll(false).clean());
    assertEquals(digestB, cache.importFile(b));
    assertTrue(cache.verifyAll(false).clean());
  }

  @Test
  void importOfAMissingFileIsOneLine() {
    CacheWriter cache = CacheWriter.open(layout());
    Path missing = dir.resolve("missing.deb");

    CacheException e = assertThrows(CacheException.class, () -> cache.importFile(missing));

    assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
  }

  @Test
  void staleTempCleanupKeepsRecentFilesWithoutAWriterInTheirName() throws Exception {
    Instant now = Instant.parse("2030-06-01T12:00:00Z");
    CacheWriter cache = CacheWriter.open(layout(), TempFileOpener.DEFAULT, Clock.fixed(now, ZoneOffset.UTC));
    Path stale = Files.writeString(layout().tmpDir().resolve("put-old.part"), "x");
    Path fresh = Files.writeString(layout().tmpDir().resolve("put-new.part"), "y");
    Files.setLastModifiedTime(stale, FileTime.from(now.minus(Duration.ofDays(2))));
    Files.setLastModifiedTime(fresh, FileTime.from(now.minus(Duration.ofMinutes(5))));

    assertEquals(1, cache.deleteStaleTemp());

    assertFalse(Files.exists(stale));
    assertTrue(Files.exists(fresh));
  }

  /** What a killed prep leaves (a partial file named after a process that is gone) next to files still being written. */
  private record Litter(Path ofEndedProcess, Path ofLiveProcess, Path ofThisProcess) {}

  private Litter partialDownloads(long livePid) throws Exception {
    Process ended = new ProcessBuilder("true").start();
    ended.waitFor();
    Path tmp = layout().tmpDir();
    return new Litter(
        Files.writeString(tmp.resolve("put-" + ended.pid() + "-" + java.util.UUID.randomUUID() + ".part"), "partial"),
        Files.writeString(tmp.resolve("put-" + livePid + "-" + java.util.UUID.randomUUID() + ".part"), "in progress"),
        Files.writeString(tmp.resolve("put-" + ProcessHandle.current().pid() + "-" + java.util.UUID.randomUUID() + ".part"),
            "mine"));
  }

  @Test
  void prepCleanupDeletesOnlyPartialFilesOfEndedProcesses() throws Exception {
    Process holder = new ProcessBuilder("sleep", "60").start();
    try {
      CacheWriter cache = CacheWriter.open(layout());
      Litter litter = partialDownloads(holder.pid());

      assertEquals(1, cache.deleteStaleTemp());

      assertFalse(Files.exists(litter.ofEndedProcess()));
      assertTrue(Files.exists(litter.ofLiveProcess()), "a live writer's file stays");
      assertTrue(Files.exists(litter.ofThisProcess()), "this run's own file stays");
    } finally {
      holder.destroy();
    }
  }

  @Test
  void verifyReportsTempLitterAndDeletesItOnlyWhenAsked() throws Exception {
    Process holder = new ProcessBuilder("sleep", "60").start();
    try {
      CacheWriter cache = CacheWriter.open(layout());
      Litter litter = partialDownloads(holder.pid());

      VerifyReport report = cache.verifyAll(false);
      assertEquals(1, report.problems().size(), report.toString());
      BadBlob found = report.problems().get(0);
      assertEquals(litter.ofEndedProcess(), found.path());
      assertEquals(BadBlob.Problem.TEMP_LITTER, found.problem());
      assertTrue(found.detail().contains("which has ended"), found.detail());
      assertFalse(found.deleted());
      assertTrue(Files.exists(litter.ofEndedProcess()), "without --delete nothing is removed");

      VerifyReport deleting = cache.verifyAll(true);
      assertTrue(deleting.problems().get(0).deleted());
      assertFalse(Files.exists(litter.ofEndedProcess()));
      assertTrue(Files.exists(litter.ofLiveProcess()));
      assertTrue(Files.exists(litter.ofThisProcess()));
      assertTrue(cache.verifyAll(false).clean());
    } finally {
      holder.destroy();
    }
  }

  @Test
  void aReusedPidDoesNotKeepAnOldPartialFile() {
    Instant started = Instant.parse("2030-06-01T12:00:00Z");
    TempFileOwner owner = new TempFileOwner(1, pid -> pid == 42 ? java.util.Optional.of(java.util.Optional.of(started))
        : java.util.Optional.empty());
    String name = "put-42-" + java.util.UUID.randomUUID() + ".part";

    assertTrue(owner.litter(name, started.minusSeconds(60), started).isPresent(), "written before process 42 started");
    assertTrue(owner.litter(name, started.plusSeconds(60), started).isEmpty(), "written by process 42");
    assertTrue(owner.litter("put-7-" + java.util.UUID.randomUUID() + ".part", started, started).isPresent(), "no process 7");
    assertTrue(owner.litter("put-1-" + java.util.UUID.randomUUID() + ".part", started, started).isEmpty(), "this process");
  }

  @Test
  void putNamesItsTemporaryFileAfterThisProcess() throws Exception {
    CacheWriter cache = CacheWriter.open(layout(), path -> {
      assertEquals(java.util.OptionalLong.of(ProcessHandle.current().pid()),
          TempFileOwner.writerPid(path.getFileName().toString()), path.toString());
      return TempFileOpener.DEFAULT.create(path);
    }, Clock.systemUTC());
    cache.put(new ByteArrayInputStream(new byte[] {1, 2, 3}), null, null, "files[0]");
  }

  @Test
  void concurrentWritersOfTheSameContentEndWithOneBlob() throws Exception {
    CacheWriter cache = CacheWriter.open(layout());
    byte[] data = randomBytes(500_000, 7);
    Sha256 digest = sha256(data);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Sha256>> results = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        results.add(pool.submit(() -> cache.put(new ByteArrayInputStream(data), null, (long) data.length, "dup")));
      }
      for (Future<Sha256> result : results) {
        assertEquals(digest, result.get());
      }
    } finally {
      pool.shutdown();
    }
    assertEquals(List.of(layout().blob(digest)), filesUnder(layout().root()));
  }

  /** An endless stream of zeros that counts how much was read from it. */
  static final class CountingEndlessStream extends InputStream {
    long bytesRead;

    @Override
    public int read() {
      bytesRead++;
      return 0;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      bytesRead += len;
      return len;
    }
  }

}

package dev.sealbuild.builder.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sealbuild.formats.digest.Sha256;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalFileDigestsTest {
  /** Files written by a test are seconds old here: remembered, as files of a checkout are. */
  private static final Clock LATER = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(1));

  @TempDir Path dir;

  @Test
  void aFileIsReadOnceAndItsDigestsAreItsBytes() throws Exception {
    Path file = Files.writeString(dir.resolve("app.py"), "print('hi')\n".repeat(10_000));
    LocalFileDigests digests = new LocalFileDigests(LATER);
    LocalFileDigests.Digests first = digests.of(file);
    assertEquals(first, digests.of(file));
    assertEquals(1, digests.reads());
    assertEquals(Sha256.hash(file), first.sha256());
    assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(Files.readAllBytes(file))),
        first.sha1Hex());
  }

  @Test
  void theSameFileUnderAnotherPathIsNotReadAgain() throws Exception {
    Path file = Files.writeString(dir.resolve("a.txt"), "same inode\n");
    Path link = Files.createLink(dir.resolve("b.txt"), file);
    LocalFileDigests digests = new LocalFileDigests(LATER);
    assertEquals(digests.of(file), digests.of(link));
    assertEquals(digests.of(file), digests.of(dir.resolve("sub/../a.txt").normalize()));
    assertEquals(1, digests.reads());
  }

  @Test
  void aWriteInBetweenIsSeenEvenWithTheSameSizeAndModificationTime() throws Exception {
    Path file = Files.writeString(dir.resolve("config.txt"), "color=red\n");
    FileTime mtime = Files.getLastModifiedTime(file);
    LocalFileDigests digests = new LocalFileDigests(LATER);
    LocalFileDigests.Digests red = digests.of(file);
    Files.write(file, "color=tan\n".getBytes(StandardCharsets.UTF_8));
    Files.setLastModifiedTime(file, mtime);
    LocalFileDigests.Digests tan = digests.of(file);
    assertNotEquals(red, tan);
    assertEquals(Sha256.hash(file), tan.sha256());
    assertEquals(2, digests.reads());
  }

  @Test
  void aFileChangedJustBeforeItWasReadIsReadAgainEveryTime() throws Exception {
    // a write in the same clock tick as the read would leave every time stamp as it was
    Path file = Files.writeString(dir.resolve("generated.txt"), "fresh\n");
    LocalFileDigests digests = new LocalFileDigests(Clock.systemUTC());
    assertEquals(digests.of(file), digests.of(file));
    assertEquals(2, digests.reads());
    LocalFileDigests later = new LocalFileDigests(Clock.offset(Clock.systemUTC(), LocalFileDigests.SETTLE.plusSeconds(1)));
    later.of(file);
    later.of(file);
    assertEquals(1, later.reads(), "settled once its last change is older than the margin");
  }

  @Test
  void aFileReplacedByAnotherIsReadAgain() throws Exception {
    Path file = Files.writeString(dir.resolve("app.jar"), "version 1\n");
    LocalFileDigests digests = new LocalFileDigests(LATER);
    LocalFileDigests.Digests one = digests.of(file);
    Path replacement = Files.writeString(dir.resolve("app.jar.new"), "version 2\n");
    Files.move(replacement, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    assertNotEquals(one, digests.of(file));
    assertEquals(Sha256.hash(file), digests.of(file).sha256());
  }

  @Test
  void aTreeReadOnFourThreadsGivesEachFilesDigestsInOrderReadingEachFileOnce() throws Exception {
    Random random = new Random(3);
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      byte[] bytes = new byte[random.nextInt(i % 10 == 0 ? 3 << 20 : 4096)];
      random.nextBytes(bytes);
      files.add(Files.write(dir.resolve("f" + i), bytes));
    }
    files.add(1, files.get(0));   // copied by two entries: read once, not by two threads at once
    LocalFileDigests parallel = new LocalFileDigests(LATER, 4);
    List<LocalFileDigests.Digests> digests = parallel.ofAll(files);
    assertEquals(41, digests.size());
    LocalFileDigests oneByOne = new LocalFileDigests(LATER, 1);
    for (int i = 0; i < files.size(); i++) {
      assertEquals(Sha256.hash(files.get(i)), digests.get(i).sha256(), files.get(i).toString());
      assertEquals(oneByOne.of(files.get(i)), digests.get(i));
    }
    assertEquals(40, parallel.reads());
    assertEquals(digests, parallel.ofAll(files));
    assertEquals(40, parallel.reads(), "asked again: remembered, not read again");
  }

  @Test
  void theErrorIsTheFirstUnreadableFileInTheListWhicheverThreadMeetsOne() throws Exception {
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      files.add(i == 11 || i == 25 ? dir.resolve("missing" + i) : Files.writeString(dir.resolve("f" + i), "file " + i));
    }
    for (int round = 0; round < 20; round++) {
      NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> new LocalFileDigests(LATER, 4).ofAll(files));
      assertEquals(dir.resolve("missing11").toString(), e.getFile());
    }
  }
}

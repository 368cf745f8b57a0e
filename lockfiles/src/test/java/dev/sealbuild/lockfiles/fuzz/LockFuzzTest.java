package dev.sealbuild.lockfiles.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sealbuild.lockfiles.lock.LockException;
import dev.sealbuild.lockfiles.lock.Lockfile;
import dev.sealbuild.lockfiles.lock.LockfileIO;
import dev.sealbuild.testsupport.fuzz.Refusals;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@code build.lock.json} as every command reads it (LockfileIO: canonical JSON, unknown keys and trailing tokens
 * refused, every record's checks); an accepted lock must also write back. Seeds: {@code LockFuzzTestInputs/lockJson}.
 */
class LockFuzzTest {
  private static final LockfileIO IO = new LockfileIO();
  private static Path dir;
  private static Path file;
  private static Refusals refusals;

  @BeforeAll
  static void scratch() throws Exception {
    dir = Files.createTempDirectory("lock-fuzz");
    file = dir.resolve("build.lock.json");
    refusals = Refusals.of(file.toString(), LockException.class);
  }

  @AfterAll
  static void clean() throws Exception {
    Files.deleteIfExists(file);
    Files.deleteIfExists(dir);
  }

  @FuzzTest
  void lockJson(byte[] input) throws Exception {
    if (input.length > Refusals.MAX_INPUT) {
      return;
    }
    Files.write(file, input);
    refusals.check(() -> {
      Lockfile lock = IO.read(file);
      IO.toBytes(lock);
    });
  }
}

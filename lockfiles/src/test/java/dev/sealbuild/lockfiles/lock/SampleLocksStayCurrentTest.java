package dev.sealbuild.lockfiles.lock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.lockfiles.spec.BuildSpec;
import dev.sealbuild.lockfiles.spec.SpecReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every committed sample lock is still current: keys added to the spec (stages, run, temporary, from) leave the
 * digest of a spec that does not use them unchanged, so upgrading sealbuild never makes a lock stale.
 */
class SampleLocksStayCurrentTest {
  @Test
  void everyCommittedSampleLockPassesTheCheck() throws IOException {
    Path samples = Path.of("..").toAbsolutePath().normalize().resolve("samples");
    List<Path> locks;
    try (Stream<Path> dirs = Files.list(samples)) {
      locks = dirs.map(d -> d.resolve(Lockfile.FILE_NAME)).filter(Files::isRegularFile).sorted().toList();
    }
    assertTrue(locks.size() >= 4, "the samples with a committed lock: " + locks);
    for (Path lockFile : locks) {
      BuildSpec spec = new SpecReader(Map.of()).read(lockFile.resolveSibling(SpecReader.DEFAULT_FILE_NAME));
      Lockfile lock = new LockfileIO().read(lockFile);
      LockStatus status = LockStatus.check(spec, lock);
      assertEquals(List.of(), status.problems(), lockFile.toString());
      assertEquals(lock.specDigest(), SpecDigest.of(spec), lockFile.toString());
      assertArrayEquals(Files.readAllBytes(lockFile), new LockfileIO().toBytes(lock), "the committed bytes are canonical: " + lockFile);
    }
  }
}

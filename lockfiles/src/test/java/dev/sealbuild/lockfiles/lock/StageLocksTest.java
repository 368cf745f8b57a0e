package dev.sealbuild.lockfiles.lock;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.lockfiles.spec.BuildSpec;
import dev.sealbuild.lockfiles.spec.SpecReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A lock pins each build stage as a nested lock of that stage's view spec. */
class StageLocksTest {
  private static final Sha256 A = Sha256.ofHex("a".repeat(64));
  private static final Sha256 B = Sha256.ofHex("b".repeat(64));
  private static final String GCC_URL = "https://files.example.invalid/gcc.tar.gz";
  private static final String DATA_URL = "https://files.example.invalid/data.tar.gz";
  private final LockfileIO io = new LockfileIO();
  private final SpecReader reader = new SpecReader(Map.of());

  private BuildSpec spec(String buildStep) {
    return reader.parse("build.yaml", """
        name: hello
        stages:
          build:
            files: [{url: "%s", dest: /opt/gcc, extract: true}]
            run: ["%s"]
          test:
            run: [/bin/true]
        files: [{url: "%s", dest: /tmp/data, temporary: true}]
        copy: [{from: build, src: /out/hello, dest: /hello}]
        run: [/hello --index /tmp/data]
        """.formatted(GCC_URL, buildStep, DATA_URL));
  }

  private Lockfile lockOf(BuildSpec spec) {
    Map<String, Lockfile> stages = new LinkedHashMap<>();
    stages.put("test", new Lockfile(Lockfile.VERSION, SpecDigest.of(spec.stage("test")), 0, null, List.of()));
    stages.put("build", new Lockfile(Lockfile.VERSION, SpecDigest.of(spec.stage("build")), 0, null,
        List.of(new LockedFile(GCC_URL, A, 1L))));
    return new Lockfile(Lockfile.VERSION, SpecDigest.of(spec), 0, null, null, List.of(new LockedFile(DATA_URL, B, 2L)),
        null, null, null, stages);
  }

  @Test
  void roundTripsCanonicallyWithStagesSorted(@TempDir Path dir) throws Exception {
    Lockfile lock = lockOf(spec("make"));
    Path file = dir.resolve(Lockfile.FILE_NAME);
    io.write(lock, file);
    Lockfile read = io.read(file);
    assertEquals(lock, read);
    assertArrayEquals(Files.readAllBytes(file), io.toBytes(read), "canonical: reading and writing changes no byte");
    String text = Files.readString(file, StandardCharsets.UTF_8);
    assertTrue(text.indexOf("\"build\"") < text.indexOf("\"test\""), "stages sorted by name: " + text);
    assertTrue(text.indexOf("\"specDigest\"") < text.indexOf("\"stages\""), "keys sorted");
    assertTrue(text.contains("\"stages\": {\n    \"build\": {\n      \"files\": ["), text);
    assertEquals(List.of("build", "test"), List.copyOf(read.stageMap().keySet()));
    assertEquals(GCC_URL, read.stage("build").files().get(0).url());
    LockException missing = assertThrows(LockException.class, () -> read.stage("docs"));
    assertEquals("the lock does not pin stage 'docs'; run build lock", missing.getMessage());
  }

  @Test
  void aStagesDigestIsTheDigestOfItsView() {
    BuildSpec spec = spec("make");
    assertNotEquals(SpecDigest.of(spec), SpecDigest.of(spec.stage("build")));
    assertNotEquals(SpecDigest.of(spec.stage("build")), SpecDigest.of(spec("make all").stage("build")));
    assertEquals(SpecDigest.of(spec.stage("test")), SpecDigest.of(spec("make all").stage("test")), "another stage's change leaves it be");
  }

  @Test
  void statusIsCurrentForItsSpec() {
    BuildSpec spec = spec("make");
    assertEquals(List.of(), LockStatus.check(spec, lockOf(spec)).problems());
  }

  @Test
  void statusNamesTheStageThatChanged() {
    Lockfile lock = lockOf(spec("make"));
    List<String> problems = LockStatus.check(spec("make all"), lock).problems();
    assertTrue(problems.get(0).startsWith("the spec changed since the lock was written"), problems.toString());
    assertTrue(problems.get(1).startsWith("stage 'build': the spec changed since the lock was written"), problems.toString());
    assertEquals(2, problems.size(), problems.toString());
  }

  @Test
  void statusNamesAStageNotPinnedAndOneNoLongerDeclared() {
    BuildSpec spec = spec("make");
    Lockfile lock = lockOf(spec);
    Map<String, Lockfile> stages = new LinkedHashMap<>(lock.stageMap());
    stages.remove("test");
    stages.put("docs", lock.stage("test"));
    List<String> problems = LockStatus.check(spec, lock.withStages(stages)).problems();
    assertEquals(List.of("stage 'test' is not pinned", "the lock pins stage 'docs' which the spec no longer declares"), problems);

    Map<String, Lockfile> unpinnedFile = new LinkedHashMap<>(lock.stageMap());
    unpinnedFile.put("build", new Lockfile(Lockfile.VERSION, SpecDigest.of(spec.stage("build")), 0, null, List.of()));
    assertEquals(List.of("stage 'build': files[0] " + GCC_URL + " is not pinned"),
        LockStatus.check(spec, lock.withStages(unpinnedFile)).problems());
  }

  @Test
  void aStageLockHasNoStagesOfItsOwn() {
    Lockfile inner = lockOf(spec("make"));
    assertThrows(IllegalArgumentException.class, () -> inner.withStages(Map.of("build", inner)));
  }
}

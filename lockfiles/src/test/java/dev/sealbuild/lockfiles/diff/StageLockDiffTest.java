package dev.sealbuild.lockfiles.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.json.CanonicalJson;
import dev.sealbuild.formats.oci.Platform;
import dev.sealbuild.lockfiles.lock.LockedFile;
import dev.sealbuild.lockfiles.lock.LockedPackage;
import dev.sealbuild.lockfiles.lock.Lockfile;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code build diff} and {@code lock --update} name the build stage a change is in. */
class StageLockDiffTest {
  private static final Platform AMD64 = Platform.parse("linux/amd64");

  private static Sha256 sha(String s) {
    return Sha256.hash(s.getBytes(StandardCharsets.UTF_8));
  }

  private static Lockfile stage(String gccVersion) {
    return new Lockfile(Lockfile.VERSION, sha("build spec"), 0, null, null,
        List.of(new LockedFile("https://files.example.invalid/tool.tar.gz", sha("tool"), 1L)), null,
        List.of(new LockedPackage("deb", "gcc", gccVersion, "amd64", "debian", "pool/main/g/gcc_" + gccVersion + "_amd64.deb",
            sha("gcc" + gccVersion), 1, null, List.of(AMD64))));
  }

  private static Lockfile image(Map<String, Lockfile> stages) {
    return new Lockfile(Lockfile.VERSION, sha("spec"), 0, null, null, List.of(), null, null, null, stages);
  }

  @Test
  void aStagesChangeIsNamedWithItsStage() throws Exception {
    LockDiff diff = LockDiff.between(image(Map.of("build", stage("12.2"))), image(Map.of("build", stage("12.3"))));
    assertFalse(diff.isEmpty());
    assertTrue(diff.packages().isEmpty(), "the image's own packages did not move");
    assertEquals(List.of("stage 'build':", "  packages:", "    ~ gcc  12.2 -> 12.3  (amd64)", "stage 'build': packages: 1 changed"),
        LockDiffText.lines(diff));
    JsonNode json = CanonicalJson.mapper().readTree(diff.toJson());
    assertEquals("12.3", json.get("stages").get("build").get("packages").get(0).get("toVersion").asText(), json.toString());
  }

  @Test
  void anAddedStageListsWhatItPinsAndAnUnchangedOneIsLeftOut() {
    LockDiff added = LockDiff.between(image(Map.of()), image(Map.of("build", stage("12.2"))));
    assertEquals("stage 'build': packages: 1 added, files: 1 added", LockDiffText.summary(added));
    LockDiff same = LockDiff.between(image(Map.of("build", stage("12.2"))), image(Map.of("build", stage("12.2"))));
    assertTrue(same.isEmpty());
    assertTrue(same.stageMap().isEmpty());
    assertFalse(new String(same.toJson(), StandardCharsets.UTF_8).contains("stages"));
  }
}

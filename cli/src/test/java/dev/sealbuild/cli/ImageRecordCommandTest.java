package dev.sealbuild.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/layer-cache.md, "Image records": a build whose spec, lock, variables, options and local sources have not
 * changed is written from the cache, byte for byte what building it again gives; any change builds it again.
 */
class ImageRecordCommandTest {
  @TempDir Path work;

  private static String lastLine(String text) {
    List<String> lines = text.lines().toList();
    return lines.get(lines.size() - 1);
  }

  private static InProcess.Result image(InProcess build, String... extra) {
    List<String> args = new ArrayList<>(List.of("image", "project", "--network-isolation", "off"));
    args.addAll(List.of(extra));
    return build.run(args.toArray(String[]::new)).ok();
  }

  private static boolean reused(InProcess.Result result) {
    return result.err().contains("reusing image sha256:");
  }

  @Test
  void anUnchangedBuildIsWrittenFromItsRecordByteForByte() throws Exception {
    try (TestProject project = new TestProject(work).prepared()) {
      InProcess.Result built = image(project.build(), "-o", "oci-archive:out/built.tar", "-o", "docker-archive:out/built-docker.tar",
          "-o", "oci:out/built-layout", "--provenance", "out/built.prov.json", "--digest-file", "out/built.digest");
      assertFalse(reused(built), built.err());
      InProcess.Result again = image(project.build(), "-o", "oci-archive:out/again.tar", "-o", "docker-archive:out/again-docker.tar",
          "-o", "oci:out/again-layout", "--provenance", "out/again.prov.json", "--digest-file", "out/again.digest");
      assertTrue(reused(again), again.err());
      assertFalse(again.err().contains("layer"), "no layer is looked at: " + again.err());
      assertEquals(lastLine(built.out()), lastLine(again.out()));

      Path out = project.dir.getParent().resolve("out");
      for (String[] pair : List.of(new String[] {"built.tar", "again.tar"}, new String[] {"built-docker.tar", "again-docker.tar"},
          new String[] {"built.prov.json", "again.prov.json"}, new String[] {"built.digest", "again.digest"},
          new String[] {"built-layout/index.json", "again-layout/index.json"})) {
        assertArrayEquals(Files.readAllBytes(out.resolve(pair[0])), Files.readAllBytes(out.resolve(pair[1])), pair[1]);
      }
      assertEquals(fileNames(out.resolve("built-layout/blobs/sha256")), fileNames(out.resolve("again-layout/blobs/sha256")));
      assertTrue(project.build().run("cache", "verify").ok().err().contains("1 image records"));
    }
  }

  @Test
  void aChangedLocalSourceIsBuiltAgainAndTheOldContentGivesTheOldDigest() throws Exception {
    try (TestProject project = new TestProject(work).prepared()) {
      String first = lastLine(image(project.build()).out());
      Path hello = project.dir.resolve("hello.txt");
      Files.writeString(hello, "hello, changed\n");
      InProcess.Result changed = image(project.build());
      assertFalse(reused(changed), changed.err());
      assertNotEquals(first, lastLine(changed.out()));
      assertTrue(reused(image(project.build())), "the changed content is recorded in turn");

      Files.setPosixFilePermissions(hello, PosixFilePermissions.fromString("rwxr-xr-x"));
      InProcess.Result executable = image(project.build());
      assertFalse(reused(executable), "the owner-execute bit decides the mode: " + executable.err());
      assertNotEquals(lastLine(changed.out()), lastLine(executable.out()));

      Files.setPosixFilePermissions(hello, PosixFilePermissions.fromString("rw-r--r--"));
      Files.writeString(hello, "hello from a local file\n");
      InProcess.Result back = image(project.build());
      assertFalse(reused(back), back.err());
      assertEquals(first, lastLine(back.out()));
    }
  }

  @Test
  void theVariablesTheSpecReadsAndTheOptionsArePartOfTheRecord() throws Exception {
    try (TestProject project = new TestProject(work)) {
      Path spec = project.dir.resolve("build.yaml");
      Files.writeString(spec, Files.readString(spec).replace("  entrypoint: [/hello]",
          "  entrypoint: [/hello]\n  env:\n    GREETING: ${GREETING:-hi}"), StandardCharsets.UTF_8);
      project.build().env("GREETING", "a").run("lock", "project").ok();
      project.build().env("GREETING", "a").run("prep", "project").ok();
      String a = lastLine(image(project.build().env("GREETING", "a")).out());
      InProcess.Result unrelated = image(project.build().env("GREETING", "a").env("UNRELATED", "x"));
      assertTrue(reused(unrelated), "a variable the spec does not read: " + unrelated.err());
      assertEquals(a, lastLine(unrelated.out()));
      for (InProcess build : List.of(project.build().env("GREETING", "b"), project.build())) {
        InProcess.Result other = build.run("image", "project", "--network-isolation", "off");
        assertEquals(1, other.exit(), "a changed variable is read again, and here makes the lock stale: " + other);
        assertTrue(other.err().contains("build.lock.json is stale"), other.err());
      }

      InProcess.Result epoch = image(project.build().env("GREETING", "a").env("SOURCE_DATE_EPOCH", "1700000000"));
      assertFalse(reused(epoch), epoch.err());
      assertNotEquals(a, lastLine(epoch.out()));
      InProcess.Result noAttach = image(project.build().env("GREETING", "a"), "--no-attach");
      assertFalse(reused(noAttach), noAttach.err());
      assertTrue(reused(image(project.build().env("GREETING", "a"), "--no-attach")));
      InProcess.Result unrecorded = image(project.build().env("GREETING", "a"), "--no-layer-cache");
      assertFalse(reused(unrecorded), unrecorded.err());
    }
  }

  @Test
  void aDamagedBlobIsNeverUsedAndTheImageIsBuiltAgain() throws Exception {
    try (TestProject project = new TestProject(work).prepared()) {
      String first = lastLine(image(project.build()).out());
      for (Path blob : fileNames(project.cache.resolve("layers/blobs")).stream()
          .map(n -> project.cache.resolve("layers/blobs").resolve(n)).toList()) {
        byte[] bytes = Files.readAllBytes(blob);
        bytes[bytes.length / 2] ^= 1;
        Files.write(blob, bytes);
      }
      InProcess.Result rebuilt = image(project.build());
      assertFalse(reused(rebuilt), rebuilt.err());
      assertTrue(rebuilt.err().contains("is damaged; discarded, building the image"), rebuilt.err());
      assertEquals(first, lastLine(rebuilt.out()));
      assertTrue(reused(image(project.build())), "recorded again");
      assertTrue(lastLine(project.build().run("cache", "verify").ok().err()).endsWith("all good"));
    }
  }

  @Test
  void aMissingInputFailsTheBuildAsWithoutARecord() throws Exception {
    try (TestProject project = new TestProject(work).prepared()) {
      image(project.build());
      Path blobs = project.cache.resolve("blobs/sha256");
      String served = dev.sealbuild.formats.digest.Sha256.hash("served over http\n".getBytes(StandardCharsets.UTF_8)).hex();
      Files.delete(blobs.resolve(served));
      InProcess.Result missing = project.build().run("image", "project", "--network-isolation", "off");
      assertEquals(1, missing.exit(), missing.toString());
      assertTrue(missing.err().contains("files[0]") && missing.err().contains("run build prep"), missing.err());
    }
  }

  @Test
  void cacheVerifyReportsARecordWhoseBlobIsGone() throws Exception {
    try (TestProject project = new TestProject(work).prepared()) {
      image(project.build());
      for (String name : fileNames(project.cache.resolve("layers/blobs"))) {
        Files.delete(project.cache.resolve("layers/blobs").resolve(name));
      }
      InProcess.Result verify = project.build().run("cache", "verify");
      assertEquals(1, verify.exit(), verify.toString());
      assertTrue(verify.out().contains("LAYER_CACHE image record names blob sha256:"), verify.out());
      assertEquals(1, project.build().run("cache", "verify", "--delete").exit());
      assertTrue(lastLine(project.build().run("cache", "verify").ok().err()).endsWith("all good"));
    }
  }

  private static List<String> fileNames(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}

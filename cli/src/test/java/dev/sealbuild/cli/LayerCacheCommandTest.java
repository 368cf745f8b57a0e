package dev.sealbuild.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/layer-cache.md and docs/cli.md: build image reuses cached layers; cache verify checks them. */
class LayerCacheCommandTest {
  @TempDir Path work;

  private static String lastLine(String text) {
    List<String> lines = text.lines().toList();
    return lines.get(lines.size() - 1);
  }

  private static InProcess.Result image(TestProject project, String... extra) {
    List<String> args = new ArrayList<>(List.of("image", "project", "--network-isolation", "off", "--no-attach",
        "-o", "oci-archive:out/hello.tar"));
    args.addAll(List.of(extra));
    return project.build().run(args.toArray(String[]::new));
  }

  /** The blob the layer-cache entry names (the blob directory also holds image records' configs and manifests). */
  private static Path layerBlob(TestProject project) throws Exception {
    try (Stream<Path> s = Files.list(project.cache.resolve("layers").resolve("entries"))) {
      Path entry = s.findFirst().orElseThrow();
      String digest = new com.fasterxml.jackson.databind.ObjectMapper().readTree(entry.toFile()).get("digest").asText();
      return project.cache.resolve("layers").resolve("blobs").resolve(digest.substring("sha256:".length()));
    }
  }

  /** Without its image record (ImageRecordCommandTest), an unchanged build is made again, from cached layers. */
  private static void forgetImageRecords(TestProject project) throws Exception {
    try (Stream<Path> s = Files.list(project.cache.resolve("layers").resolve("images"))) {
      for (Path record : s.toList()) {
        Files.delete(record);
      }
    }
  }

  @Test
  void aSecondBuildReusesTheLayerAndGivesTheSameDigest() throws Exception {
    try (TestProject project = new TestProject(work).prepared()) {
      InProcess.Result first = image(project).ok();
      assertTrue(first.err().contains("writing layer ("), first.err());
      forgetImageRecords(project);
      InProcess.Result second = image(project).ok();
      assertTrue(second.err().contains("reusing layer (2 entries, cached): sealbuild: files[0]"), second.err());
      assertFalse(second.err().contains("writing layer"), second.err());
      assertEquals(lastLine(first.out()), lastLine(second.out()));
    }
  }

  @Test
  void noLayerCacheNeitherReusesNorStores() throws Exception {
    try (TestProject project = new TestProject(work).prepared()) {
      InProcess.Result off = image(project, "--no-layer-cache").ok();
      assertFalse(Files.exists(project.cache.resolve("layers")), "nothing stored");
      InProcess.Result env = project.build().env("SEALBUILD_LAYER_CACHE", "off")
          .run("image", "project", "--network-isolation", "off", "--no-attach", "-o", "oci-archive:out/hello.tar").ok();
      assertFalse(Files.exists(project.cache.resolve("layers")), "nothing stored");
      InProcess.Result on = image(project).ok();
      assertEquals(lastLine(off.out()), lastLine(env.out()));
      assertEquals(lastLine(off.out()), lastLine(on.out()));
      assertTrue(image(project).ok().err().contains("reusing image"));
      InProcess.Result offAgain = image(project, "--no-layer-cache").ok();
      assertFalse(offAgain.err().contains("reusing"), offAgain.err());
    }
  }

  @Test
  void cacheVerifyReportsACorruptLayerAndDeleteRemovesIt() throws Exception {
    try (TestProject project = new TestProject(work).prepared()) {
      String digest = lastLine(image(project).ok().out());
      Path blob = layerBlob(project);
      Files.writeString(blob, "not what the entry says");

      InProcess.Result verify = project.build().run("cache", "verify");
      assertEquals(1, verify.exit(), verify.toString());
      assertTrue(verify.out().contains("bad: " + blob + ": LAYER_CACHE content hashes to"), verify.out());
      assertTrue(lastLine(verify.err()).contains("2 bad; rerun with --delete"), verify.err());

      InProcess.Result rebuilt = image(project).ok();
      assertTrue(rebuilt.err().contains("layer cache: entry "), rebuilt.err());
      assertTrue(rebuilt.err().contains("is corrupt"), rebuilt.err());
      assertEquals(digest, lastLine(rebuilt.out()), "the corrupt entry is not used: the layer is built again");

      Files.writeString(layerBlob(project), "corrupt again");
      InProcess.Result deleted = project.build().run("cache", "verify", "--delete");
      assertEquals(1, deleted.exit(), deleted.toString());
      assertTrue(deleted.out().contains("(deleted)"), deleted.out());
      InProcess.Result clean = project.build().run("cache", "verify").ok();
      assertTrue(lastLine(clean.err()).endsWith("all good"), clean.err());
    }
  }

  @Test
  void twoPlatformsCompressTheSharedContentOnce() throws Exception {
    try (TestProject project = new TestProject(work, "linux/amd64", "linux/arm64").prepared()) {
      InProcess.Result both = project.build().run("image", "project", "--network-isolation", "off", "--no-attach",
          "-o", "oci:out/layout").ok();
      assertEquals(1, both.err().lines().filter(l -> l.startsWith("writing layer")).count(), both.err());
      assertEquals(1, both.err().lines().filter(l -> l.startsWith("reusing layer")).count(), both.err());
    }
  }

  @Test
  void twoBuildsAtOnceOnOneCacheBothSucceed() throws Exception {
    try (TestProject project = new TestProject(work).prepared()) {
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        List<Future<InProcess.Result>> runs = new ArrayList<>();
        for (String out : List.of("a.tar", "b.tar")) {
          runs.add(pool.submit(() -> project.build().run("image", "project", "--network-isolation", "off", "--no-attach",
              "-o", "oci-archive:out/" + out)));
        }
        String a = lastLine(runs.get(0).get().ok().out());
        String b = lastLine(runs.get(1).get().ok().out());
        assertEquals(a, b);
      } finally {
        pool.shutdownNow();
      }
      assertTrue(project.build().run("cache", "verify").ok().err().endsWith("all good\n"));
    }
  }
}

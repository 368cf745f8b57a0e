package dev.sealbuild.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sealbuild.cli.it.LocalHttpServer;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.json.CanonicalJson;
import dev.sealbuild.lockfiles.lock.Lockfile;
import dev.sealbuild.lockfiles.lock.LockfileIO;
import dev.sealbuild.lockfiles.lock.SpecDigest;
import dev.sealbuild.lockfiles.spec.SpecReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code build lock}, {@code lock --check}, {@code lock --dry-run} and {@code build prep} of a spec with a build stage. */
class StageLockPrepCommandTest {
  @TempDir Path work;

  private static final String SPEC = """
      name: hello
      stages:
        build:
          files:
            - {url: "%s", dest: /src/tool.sh, temporary: true}
          run:
            - sh /src/tool.sh > /out/hello
      copy:
        - {from: build, src: /out/hello, dest: /hello}
      config:
        entrypoint: [/hello]
      """;

  @Test
  void locksPrepsAndChecksAStage() throws Exception {
    Path served = Files.createDirectories(work.resolve("served"));
    byte[] tool = "echo built in a stage\n".getBytes(StandardCharsets.UTF_8);
    Files.write(served.resolve("tool.sh"), tool);
    Files.writeString(served.resolve("tool-2.sh"), "echo built again\n");
    Path project = Files.createDirectories(work.resolve("project"));
    try (LocalHttpServer server = new LocalHttpServer(served)) {
      Files.writeString(project.resolve("build.yaml"), SPEC.formatted(server.url("tool.sh")));
      InProcess build = new InProcess(work).env("SEALBUILD_CACHE", work.resolve("cache").toString());

      InProcess.Result dryRun = build.run("lock", "--dry-run", "project").ok();
      JsonNode planned = CanonicalJson.mapper().readTree(dryRun.out());
      assertEquals("build", planned.get(0).get("stage").asText(), dryRun.out());
      assertEquals(server.url("tool.sh").toString(), planned.get(0).get("name").asText());

      assertEquals("wrote project/build.lock.json\n", build.run("lock", "project").ok().err());
      Lockfile lock = new LockfileIO().read(project.resolve("build.lock.json"));
      var spec = new SpecReader(Map.of()).read(project.resolve("build.yaml"));
      assertEquals(SpecDigest.of(spec.stage("build")), lock.stage("build").specDigest());
      assertEquals(Sha256.hash(tool), lock.stage("build").file(server.url("tool.sh").toString()).orElseThrow().sha256());
      assertTrue(lock.files().isEmpty(), "the image itself pins no file");
      assertTrue(Files.readString(project.resolve("build.lock.json")).contains("\"stages\": {\n    \"build\": {"));
      assertEquals("project/build.lock.json: up to date\n", build.run("lock", "--check", "project").ok().err());

      Path fresh = work.resolve("fresh-cache");
      InProcess.Result prep = build.run("prep", "project", "--cache", "fresh-cache").ok();
      assertTrue(prep.err().endsWith("prep: 1 entries ready in " + fresh + " (1 fetched, 0 already cached)\n"), prep.err());
      assertTrue(Files.exists(fresh.resolve("blobs/sha256").resolve(Sha256.hash(tool).hex())), "the stage's file is in the cache");

      Files.writeString(project.resolve("build.yaml"), SPEC.formatted(server.url("tool-2.sh")));
      InProcess.Result check = build.run("lock", "--check", "project");
      assertEquals(1, check.exit(), check.toString());
      assertTrue(check.err().startsWith("project/build.lock.json: stale; run build lock project/build.yaml\n"), check.err());
      assertTrue(check.err().contains("  - stage 'build': files[0] " + server.url("tool-2.sh") + " is not pinned\n"), check.err());
      InProcess.Result stalePrep = build.run("prep", "project", "--cache", "fresh-cache");
      assertEquals(1, stalePrep.exit(), stalePrep.toString());
      assertTrue(stalePrep.err().startsWith("error: build.lock.json is stale: "), stalePrep.err());

      build.run("lock", "project").ok();
      assertEquals("project/build.lock.json: up to date\n", build.run("lock", "--check", "project").ok().err());
    }
  }
}

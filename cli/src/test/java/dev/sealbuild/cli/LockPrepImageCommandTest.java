package dev.sealbuild.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sealbuild.formats.json.CanonicalJson;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code build lock}, {@code build prep} and {@code build image}, run in-process on a local project. */
class LockPrepImageCommandTest {
  @TempDir Path work;

  @Test
  void lockChecksAndDryRuns() throws Exception {
    try (TestProject project = new TestProject(work)) {
      InProcess.Result dryRun = project.build().run("lock", "--dry-run", "project").ok();
      JsonNode planned = CanonicalJson.mapper().readTree(dryRun.out());
      assertEquals("file", planned.get(0).get("kind").asText(), dryRun.out());
      assertEquals("download to hash", planned.get(0).get("action").asText());
      assertFalse(Files.exists(project.dir.resolve("build.lock.json")), "a dry run writes nothing");

      InProcess.Result check = project.build().run("lock", "--check", "project");
      assertEquals(1, check.exit(), check.toString());
      assertTrue(check.err().startsWith("project/build.lock.json: missing; run build lock"), check.err());

      InProcess.Result lock = project.build().run("lock", "project").ok();
      assertEquals("wrote project/build.lock.json\n", lock.err());
      assertEquals("", lock.out());
      assertEquals("project/build.lock.json: up to date\n", project.build().run("lock", "--check", "project").ok().err());
      assertEquals("up to date: project/build.lock.json\n", project.build().run("lock", "project").ok().err());
      assertEquals(1, project.requests().size(), "the file was downloaded once, to hash it: " + project.requests());
    }
  }

  @Test
  void lockUpdateChecksItsNames() throws Exception {
    try (TestProject project = new TestProject(work)) {
      InProcess.Result early = project.build().run("lock", "project", "--update", "curl");
      assertEquals(1, early.exit(), early.toString());
      assertEquals("error: --update curl: there is no lock yet; run build lock first\n", early.err());
      project.build().run("lock", "project").ok();
      InProcess.Result unknown = project.build().run("lock", "project", "--update", "curl");
      assertEquals("error: --update: curl is neither locked nor in the spec's packages\n", unknown.err());
      InProcess.Result path = project.build().run("lock", "--update", "project/build.yaml");
      assertTrue(path.err().startsWith("error: --update takes package names, but 'project/build.yaml' looks like a path"), path.err());
      InProcess.Result all = project.build().run("lock", "project", "--update").ok();
      assertTrue(all.err().startsWith("up to date: project/build.lock.json\n"), all.err());
      InProcess.Result both = project.build().run("lock", "project", "--check", "--update");
      assertEquals("error: --check and --update do not go together: --check writes nothing\n", both.err());
    }
  }

  @Test
  void prepFetchesOnceAndSaysSo() throws Exception {
    try (TestProject project = new TestProject(work)) {
      project.build().run("lock", "project").ok();
      Path fresh = work.resolve("fresh-cache");
      InProcess.Result first = project.build().run("prep", "project", "--cache", "fresh-cache").ok();
      assertTrue(first.err().endsWith("prep: 1 entries ready in " + fresh + " (1 fetched, 0 already cached)\n"), first.err());
      InProcess.Result second = project.build().run("prep", "project", "--cache", "fresh-cache").ok();
      assertTrue(second.err().endsWith("(0 fetched, 1 already cached)\n"), second.err());
      assertEquals("", second.out());
    }
  }

  @Test
  void prepRefusesAStaleLockInOneLine() throws Exception {
    try (TestProject project = new TestProject(work)) {
      project.build().run("lock", "project").ok();
      Files.writeString(project.dir.resolve("build.yaml"),
          Files.readString(project.dir.resolve("build.yaml")).replace("entrypoint: [/hello]", "entrypoint: [/other]"));
      InProcess.Result prep = project.build().run("prep", "project");
      assertEquals(1, prep.exit(), prep.toString());
      assertTrue(prep.err().startsWith("error: build.lock.json is stale: "), prep.err());
      assertTrue(prep.err().trim().endsWith("run build lock"), prep.err());
      assertEquals(1, prep.err().lines().count(), prep.err());
    }
  }

  @Test
  void prepHelpDescribesTheVendorCache() {
    InProcess.Result help = new InProcess(work).run("prep", "--help").ok();
    String text = help.out().replaceAll("\\s+", " ");
    assertTrue(text.contains("Fetch every input the lock pins into the vendor cache, verifying size and sha256."), help.out());
    assertFalse(help.out().contains("options.cache()"), help.out());
  }

  @Test
  void imagePrintsTheDigestLastAndWritesEveryOutput() throws Exception {
    try (TestProject project = new TestProject(work).prepared()) {
      InProcess.Result image = project.build().run("image", "project", "--network-isolation", "off",
          "-o", "oci:out/layout:latest", "-o", "oci-archive:out/hello.tar", "--digest-file", "out/digest.txt").ok();
      assertTrue(image.lastLine().matches("sha256:[0-9a-f]{64}"), image.out());
      assertEquals(image.lastLine() + "\n", Files.readString(work.resolve("out/digest.txt")));
      assertTrue(image.err().contains("wrote oci:" + work.resolve("out/layout") + ":latest\n"), image.err());
      assertTrue(image.err().contains("wrote oci-archive:" + work.resolve("out/hello.tar") + "\n"), image.err());
      JsonNode index = CanonicalJson.mapper().readTree(work.resolve("out/layout/index.json").toFile());
      assertEquals(image.lastLine(), index.get("manifests").get(0).get("digest").asText());
      assertTrue(Files.size(work.resolve("out/hello.tar")) > 0);
      try (var left = Files.list(work.resolve("out"))) {
        assertEquals(3, left.count(), "no staging directory is left behind");
      }
    }
  }

  @Test
  void imageWithABadOptionIsAOneLineUserError() throws Exception {
    try (TestProject project = new TestProject(work).prepared()) {
      InProcess.Result bad = project.build().run("image", "project", "--network-isolation", "off", "-o", "tarball:x.tar");
      assertEquals(1, bad.exit(), bad.toString());
      assertEquals("error: unknown output transport 'tarball'; use oci:, oci-archive: or docker-archive:\n", bad.err());
      InProcess.Result platform = project.build().run("image", "project", "--network-isolation", "off", "--platform", "amd64");
      assertEquals(1, platform.exit(), platform.toString());
      assertTrue(platform.err().startsWith("error: --platform: "), platform.err());
    }
  }
}

package dev.sealbuild.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sealbuild.formats.json.CanonicalJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code build sbom}, {@code audit}, {@code diff} and {@code cache}, run in-process on a built local project. */
class ReadingCommandsTest {
  @TempDir Path work;

  @Test
  void sbomGoesToStdoutOrAFile() throws Exception {
    try (TestProject project = new TestProject(work).prepared()) {
      InProcess.Result sbom = project.build().run("sbom", "project").ok();
      JsonNode spdx = CanonicalJson.mapper().readTree(sbom.out());
      assertEquals("SPDX-2.3", spdx.get("spdxVersion").asText());
      assertEquals("", sbom.err());
      InProcess.Result toFile = project.build().run("sbom", "project", "--format", "cyclonedx-json", "-o", "out/bom.json").ok();
      assertEquals("", toFile.out());
      assertTrue(toFile.err().startsWith("wrote "), toFile.err());
      assertEquals("CycloneDX", CanonicalJson.mapper().readTree(work.resolve("out/bom.json").toFile()).get("bomFormat").asText());
      InProcess.Result bad = project.build().run("sbom", "project", "--format", "xml");
      assertEquals(1, bad.exit(), bad.toString());
      assertTrue(bad.err().startsWith("error: ") && bad.err().trim().endsWith("(--format)"), bad.err());
    }
  }

  @Test
  void auditAccountsForEveryFileOfTheBuiltImage() throws Exception {
    try (TestProject project = new TestProject(work).prepared()) {
      project.build().run("image", "project", "--network-isolation", "off", "-o", "oci-archive:out/hello.tar").ok();
      InProcess.Result audit = project.build().run("audit", "oci-archive:out/hello.tar", "project").ok();
      assertTrue(audit.out().contains("/hello.txt") && audit.out().contains("/data.txt"), audit.out());
      assertTrue(audit.out().lines().anyMatch(l -> l.startsWith("reproduced: sha256:")), audit.out());
      InProcess.Result json = project.build().run("audit", "oci-archive:out/hello.tar", "--json", "project").ok();
      assertEquals(0, CanonicalJson.mapper().readTree(json.out()).get("unaccounted").asInt());
    }
  }

  @Test
  void diffOfTwoLocksAndOfTwoImages() throws Exception {
    try (TestProject project = new TestProject(work).prepared()) {
      Files.createDirectories(work.resolve("copy"));
      Files.copy(project.dir.resolve("build.lock.json"), work.resolve("copy/build.lock.json"));
      InProcess.Result same = project.build().run("diff", "project", "copy").ok();
      assertEquals("no differences\n", same.out());
      project.build().run("image", "project", "--network-isolation", "off", "-o", "oci:out/a").ok();
      Files.writeString(project.dir.resolve("hello.txt"), "changed\n");
      project.build().run("image", "project", "--network-isolation", "off", "-o", "oci:out/b").ok();
      InProcess.Result images = project.build().run("diff", "oci:out/a", "oci:out/b");
      assertEquals(1, images.exit(), images.toString());
      assertTrue(images.out().contains("hello.txt"), images.out());
      InProcess.Result mixed = project.build().run("diff", "project", "oci:out/a");
      assertEquals(2, mixed.exit(), mixed.toString());
      assertTrue(mixed.err().startsWith("error: compare two locks or two images"), mixed.err());
    }
  }

  @Test
  void cacheImportAndVerify() throws Exception {
    try (TestProject project = new TestProject(work)) {
      Files.writeString(work.resolve("carried-in.txt"), "carried in\n");
      InProcess.Result imported = project.build().run("cache", "import", "carried-in.txt").ok();
      assertTrue(imported.out().matches("sha256:[0-9a-f]{64}  carried-in.txt\n"), imported.out());
      InProcess.Result clean = project.build().run("cache", "verify").ok();
      assertTrue(clean.err().startsWith("verified 1 blobs in " + project.cache + ": all good"), clean.err());
      Path blob;
      try (Stream<Path> s = Files.walk(project.cache.resolve("blobs"))) {
        blob = s.filter(Files::isRegularFile).findFirst().orElseThrow();
      }
      blob.toFile().setWritable(true);
      Files.writeString(blob, "tampered\n");
      InProcess.Result bad = project.build().run("cache", "verify", "--delete");
      assertEquals(1, bad.exit(), bad.toString());
      assertTrue(bad.out().startsWith("bad: ") && bad.out().trim().endsWith("(deleted)"), bad.out());
      assertTrue(Files.notExists(blob));
      InProcess.Result missing = project.build().run("cache", "import", "nothing-here");
      assertEquals("error: cannot import nothing-here: not a regular file\n", missing.err());
      assertEquals(1, missing.exit());
      InProcess.Result usage = project.build().run("cache");
      assertEquals(0, usage.exit());
      assertTrue(usage.out().startsWith("Usage: build cache"), usage.out());
    }
  }
}

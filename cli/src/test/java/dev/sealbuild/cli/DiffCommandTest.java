package dev.sealbuild.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.lockfiles.json.CanonicalJson;
import dev.sealbuild.lockfiles.lock.LockedPackage;
import dev.sealbuild.lockfiles.lock.Lockfile;
import dev.sealbuild.lockfiles.lock.LockfileIO;
import dev.sealbuild.lockfiles.spec.Platform;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code build diff OLD NEW}, run in-process through picocli: output and diff(1)-style exit codes. */
class DiffCommandTest {
  @TempDir Path dir;

  private record Run(int exit, String out, String err) {}

  private Run diff(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new DiffCommand(new Environment(Map.of(), dir)));
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private static Sha256 sha(String s) {
    return Sha256.hash(s.getBytes(StandardCharsets.UTF_8));
  }

  private Path lock(String where, String curlVersion) throws Exception {
    Path project = Files.createDirectories(dir.resolve(where));
    LockedPackage curl = new LockedPackage("deb", "curl", curlVersion, "amd64", "debian",
        "pool/main/c/curl/curl_" + curlVersion + "_amd64.deb", sha(curlVersion), 1, null, List.of(Platform.LINUX_AMD64));
    new LockfileIO().write(new Lockfile(Lockfile.VERSION, sha("spec"), 0, null, null, List.of(), null, List.of(curl)),
        project.resolve(Lockfile.FILE_NAME));
    return project;
  }

  @Test
  void sameLocksExitZero() throws Exception {
    lock("a", "8.5.0-2");
    lock("b", "8.5.0-2");
    Run r = diff("a", "b/build.lock.json");
    assertEquals(0, r.exit(), r.toString());
    assertEquals("no differences\n", r.out());
  }

  @Test
  void differentLocksExitOneAndPrintTheChange() throws Exception {
    lock("old", "8.5.0-2");
    lock("new", "8.5.0-3");
    Run r = diff("old", "new");
    assertEquals(1, r.exit(), r.toString());
    assertEquals("packages:\n  ~ curl  8.5.0-2 -> 8.5.0-3  (amd64)\npackages: 1 changed\n", r.out());
    assertEquals("", r.err());
  }

  @Test
  void jsonHasFullDigests() throws Exception {
    lock("old", "8.5.0-2");
    lock("new", "8.5.0-3");
    Run r = diff("--json", "old", "new");
    assertEquals(1, r.exit(), r.toString());
    JsonNode json = CanonicalJson.mapper().readTree(r.out());
    assertEquals("sha256:" + sha("8.5.0-3").hex(), json.at("/packages/0/toSha256").asText());
    assertEquals("changed", json.at("/packages/0/change").asText());
  }

  @Test
  void aMissingOrBrokenLockIsTroubleExitTwo() throws Exception {
    lock("old", "8.5.0-2");
    Files.createDirectories(dir.resolve("empty"));
    Run missing = diff("old", "empty");
    assertEquals(2, missing.exit(), missing.toString());
    assertTrue(missing.err().startsWith("error: ") && missing.err().contains("build.lock.json") && missing.err().lines().count() == 1,
        missing.err());
    Files.writeString(dir.resolve("broken.json"), "{\"lockfileVersion\": 1,");
    Run broken = diff("old", "broken.json");
    assertEquals(2, broken.exit(), broken.toString());
    assertTrue(broken.err().contains("broken.json"), broken.err());
    assertEquals("", broken.out());
  }
}

package dev.sealbuild.cli.it;

import static dev.sealbuild.cli.it.Sealbuild.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.testsupport.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input: a one-line error naming the culprit, a non-zero exit, no stack trace, nothing half-written. */
class BadInputIT {
  @TempDir Path project;

  private Sealbuild.Result fails(String... args) throws Exception {
    Sealbuild.Result r = new Sealbuild(project).run(args);
    assertEquals(1, r.exit(), r.toString());
    List<String> errors = r.stderr().lines().filter(l -> l.startsWith("error: ")).toList();
    assertEquals(1, errors.size(), r.toString());
    assertFalse(r.stderr().contains("\tat "), "no stack trace\n" + r);
    assertFalse(Files.exists(project.resolve("out")) && !isEmpty(project.resolve("out")), "nothing written to out/");
    return r;
  }

  private static boolean isEmpty(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.noneMatch(p -> !p.getFileName().toString().startsWith("."));
    }
  }

  private void spec(String yaml) throws Exception {
    Files.writeString(project.resolve("build.yaml"), yaml);
  }

  @Test
  void malformedYaml() throws Exception {
    spec("name: a\ncopy: [\n");
    assertTrue(fails("lock").stderr().contains("build.yaml:"));
    assertFalse(Files.exists(project.resolve("build.lock.json")));
  }

  @Test
  void unknownKeyWithSuggestion() throws Exception {
    spec("name: a\ncopy:\n  - src: x\n    dset: /x\n");
    String err = fails("lock").stderr();
    assertTrue(err.contains("build.yaml:4") && err.contains("'dset'") && err.contains("did you mean 'dest'"), err);
  }

  @Test
  void badDigestInSpec() throws Exception {
    spec("name: a\nfiles: [{url: 'https://e.invalid/x', dest: /x, sha256: 'sha256:XYZ'}]\n");
    assertTrue(fails("lock").stderr().contains("sha256"));
  }

  @Test
  void relativeDest() throws Exception {
    spec("name: a\ncopy: [{src: a, dest: etc/a}]\n");
    assertTrue(fails("lock").stderr().contains("absolute path"));
  }

  @Test
  void srcEscapingTheSpecDirectory() throws Exception {
    Files.writeString(project.getParent().resolve("secret.txt"), "s");
    spec("name: a\ncopy: [{src: ../secret.txt, dest: /s}]\n");
    ok(new Sealbuild(project).run("lock"));
    String err = fails("image", "--output", "oci:out/x").stderr();
    assertTrue(err.contains("copy[0]") && err.contains("escapes"), err);
  }

  @Test
  void srcEscapingThroughASymlink() throws Exception {
    Files.createSymbolicLink(project.resolve("link"), Path.of("/etc"));
    spec("name: a\ncopy: [{src: link/hostname, dest: /h}]\n");
    ok(new Sealbuild(project).run("lock"));
    String err = fails("image", "--output", "oci:out/x").stderr();
    assertTrue(err.contains("outside the spec's directory"), err);
  }

  @Test
  void missingLocalFile() throws Exception {
    spec("name: a\ncopy: [{src: nope.txt, dest: /n}]\n");
    ok(new Sealbuild(project).run("lock"));
    String err = fails("image", "--output", "oci:out/x").stderr();
    assertTrue(err.contains("copy[0]") && err.contains("nope.txt"), err);
  }

  @Test
  void archiveEntriesEscapingDest() throws Exception {
    Path cache = project.resolve("cache");
    for (String[] evil : List.of(
        new String[] {"dotdot", "../../evil"},
        new String[] {"absolute", "/etc/evil"},
        new String[] {"through-link", "link/evil"})) {
      Path archive = project.resolve(evil[0] + ".tar");
      try (var t = new TestArchives.Tar(archive, false)) {
        if (evil[0].equals("through-link")) {
          t.symlink("link", "/etc");
        }
        t.file(evil[1], "pwned\n", 0644, 0, 0);
      }
      ok(new Sealbuild(project).env("SEALBUILD_CACHE", cache.toString()).run("cache", "import", archive.toString()));
      spec("name: a\nfiles: [{url: 'http://127.0.0.1:9/" + evil[0] + ".tar', sha256: '" + OciLayoutReader.sha256(archive)
          + "', dest: /opt/x, extract: true}]\n");
      ok(new Sealbuild(project).env("SEALBUILD_CACHE", cache.toString()).run("lock"));
      Sealbuild.Result r = new Sealbuild(project).env("SEALBUILD_CACHE", cache.toString()).run("image", "--output", "oci:out/x");
      assertEquals(1, r.exit(), r.toString());
      assertTrue(r.stderr().contains("files[0]") && r.stderr().contains(evil[1].replace("/etc/evil", "etc/evil").replace("../../evil", "../../evil")), r.stderr());
      assertFalse(Files.exists(project.resolve("out/x")), "no output for " + evil[0]);
    }
  }

  @Test
  void unreadableOrMissingCache() throws Exception {
    Path archive = project.resolve("x.txt");
    Files.writeString(archive, "x");
    spec("name: a\nfiles: [{url: 'http://127.0.0.1:9/x.txt', sha256: '" + OciLayoutReader.sha256(archive) + "', dest: /x}]\n");
    ok(new Sealbuild(project).run("cache", "import", archive.toString())); // lock learns the size from the cache, offline
    ok(new Sealbuild(project).run("lock"));
    String err = fails("image", "--cache", "no-such-cache", "--output", "oci:out/x").stderr();
    assertTrue(err.contains("files[0]") && err.contains("run build prep"), err);
  }

  @Test
  void unreadableCacheIsNamed() throws Exception {
    Requirements.requireTools("setpriv");
    // A project nobody may read, and a cache only root may read, built as user nobody.
    Path shared = Files.createTempDirectory("sealbuild-unreadable");
    try {
      Path proj = Files.createDirectories(shared.resolve("project"));
      Path cache = Files.createDirectories(shared.resolve("cache"));
      Path file = Files.writeString(shared.resolve("x.txt"), "x");
      Files.writeString(proj.resolve("build.yaml"),
          "name: a\nfiles: [{url: 'http://127.0.0.1:9/x.txt', sha256: '" + OciLayoutReader.sha256(file) + "', dest: /x}]\n");
      ok(new Sealbuild(proj).env("SEALBUILD_CACHE", cache.toString()).run("cache", "import", file.toString()));
      ok(new Sealbuild(proj).env("SEALBUILD_CACHE", cache.toString()).run("lock"));
      for (Path p : List.of(shared, proj, proj.resolve("build.yaml"), proj.resolve("build.lock.json"))) {
        Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxrwxrwx" : "rw-r--r--"));
      }
      Files.setPosixFilePermissions(cache, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
      Sealbuild.Result r = new Sealbuild(proj).env("SEALBUILD_CACHE", cache.toString()).env("HOME", shared.toString())
          .wrapper("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups")
          .run("image", "--output", "oci:out/x");
      assertEquals(1, r.exit(), r.toString());
      assertTrue(r.stderr().contains(cache.toString()) && r.stderr().contains("not readable"), r.stderr());
      assertFalse(Files.exists(proj.resolve("out/x")));
    } finally {
      try (Stream<Path> s = Files.walk(shared)) {
        for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  @Test
  void deadMirrorNamesUrlAndEntry() throws Exception {
    spec("name: a\nfiles: [{url: 'http://127.0.0.1:9/gone.tar.gz', dest: /x}]\n");
    String err = fails("lock").stderr();
    assertTrue(err.contains("http://127.0.0.1:9/gone.tar.gz") && err.contains("files[0]"), err);
    assertFalse(Files.exists(project.resolve("build.lock.json")));
  }

  @Test
  void unknownOutputTransport() throws Exception {
    spec("name: a\n");
    ok(new Sealbuild(project).run("lock"));
    assertTrue(fails("image", "--output", "docker://registry/x").stderr().contains("unknown output transport"));
  }
}

package dev.sealbuild.cli.it;

import static dev.sealbuild.cli.it.Sealbuild.ok;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealbuild.testsupport.deb.SyntheticRepository;
import dev.sealbuild.testsupport.deb.TestPgp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pin that outlives its mirror: a signed Debian repository on loopback drops the package version a lock pins after
 * the lock was made, and prep finds it in a fake snapshot archive by the date of the InRelease the lock records.
 */
class SnapshotFallbackIT {
  @TempDir static Path work;
  static SyntheticRepository mirror;
  static LocalHttpServer snapshot;
  static Path project;
  static Sealbuild sealbuild;
  static String path;
  static byte[] deb = "not really a deb, but pinned by sha256 all the same\n".getBytes(StandardCharsets.UTF_8);

  @BeforeAll
  static void lockThenTheMirrorDropsIt() throws Exception {
    TestPgp.Key key = TestPgp.newKey("Synthetic Archive <archive@example.org>");
    path = "pool/main/h/hello/hello_1.0-1_amd64.deb";
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(deb));
    mirror = new SyntheticRepository(SyntheticRepository.Spec.simple("stable"), key, List.of(
        "Package: hello\nVersion: 1.0-1\nArchitecture: amd64\nPriority: optional\nFilename: " + path + "\nSize: " + deb.length
            + "\nSHA256: " + sha + "\nDescription: synthetic hello\n"));
    mirror.put(path, deb, "application/vnd.debian.binary-package");
    project = Files.createDirectories(work.resolve("project"));
    Files.write(project.resolve("synthetic.gpg"), key.keyringBytes());
    Files.writeString(project.resolve("build.yaml"), """
        name: snapshot-hello
        repositories:
          - {name: synthetic, type: debian, suite: stable, url: '%s', keyring: synthetic.gpg}
        packages: [hello]
        """.formatted(mirror.base()));
    sealbuild = new Sealbuild(project).env("HOME", work.resolve("home").toString());
    ok(sealbuild.run("lock", "--cache", "../cache-lock"));
    mirror.remove(path); // a point release superseded it

    JsonNode lock = new ObjectMapper().readTree(project.resolve("build.lock.json").toFile());
    String date = lock.path("repositories").get(0).path("indexes").get(0).path("date").asText();
    String stamp = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(Instant.parse(date));
    Path archived = work.resolve("snapshot/archive/debian/" + stamp + "/" + path);
    Files.createDirectories(archived.getParent());
    Files.write(archived, deb);
    snapshot = new LocalHttpServer(work.resolve("snapshot"));
  }

  @AfterAll
  static void stop() {
    if (mirror != null) {
      mirror.close();
    }
    if (snapshot != null) {
      snapshot.close();
    }
  }

  @Test
  void theSnapshotArchiveServesWhatTheMirrorDroppedByTheLocksTimestamp() throws Exception {
    Sealbuild.Result prep = ok(sealbuild.run("prep", "--cache", "../cache-a",
        "--snapshot", "http://127.0.0.1:" + snapshot.port() + "/archive/debian/{timestamp}"));
    assertEquals(1, snapshot.requests().stream().filter(r -> r.endsWith("/" + path) && r.matches("/archive/debian/\\d{8}T\\d{6}Z/.*")).count(),
        snapshot.requests() + "\n" + prep.stderr());
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(deb));
    assertArrayEquals(deb, Files.readAllBytes(work.resolve("cache-a/blobs/sha256/" + sha)));

    Sealbuild.Result fromEnv = ok(new Sealbuild(project).env("HOME", work.resolve("home").toString())
        .env("SEALBUILD_DEBIAN_SNAPSHOT", "synthetic=http://127.0.0.1:" + snapshot.port() + "/archive/debian/{timestamp}")
        .run("prep", "--cache", "../cache-env"));
    assertTrue(Files.exists(work.resolve("cache-env/blobs/sha256/" + sha)), fromEnv.toString());
  }

  @Test
  void goneEverywhereIsOneLineNamingEverySourceAndHowToReLock() throws Exception {
    Sealbuild.Result prep = sealbuild.run("prep", "--cache", "../cache-b",
        "--snapshot", "http://127.0.0.1:" + snapshot.port() + "/elsewhere/{timestamp}");
    assertEquals(1, prep.exit(), prep.toString());
    List<String> errors = prep.stderr().lines().filter(l -> l.startsWith("error: ")).toList();
    assertEquals(1, errors.size(), prep.stderr());
    String error = errors.get(0);
    assertTrue(error.contains("hello 1.0-1 amd64") && error.contains(mirror.base() + path + " (not found)")
        && error.contains("/elsewhere/") && error.contains("run build lock --update"), error);
    assertFalse(Files.exists(work.resolve("cache-b/blobs/sha256")) && Files.list(work.resolve("cache-b/blobs/sha256")).findAny().isPresent());

    Sealbuild.Result badTemplate = sealbuild.run("prep", "--cache", "../cache-b", "--snapshot", "ftp://127.0.0.1/{timestamp}");
    assertEquals(1, badTemplate.exit(), badTemplate.toString());
    assertTrue(badTemplate.stderr().startsWith("error: --snapshot 'ftp://127.0.0.1/{timestamp}' must be"), badTemplate.stderr());
  }
}

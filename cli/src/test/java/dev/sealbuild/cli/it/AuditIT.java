package dev.sealbuild.cli.it;

import static dev.sealbuild.cli.it.Sealbuild.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealbuild.testsupport.Fixtures;
import dev.sealbuild.testsupport.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code build audit} on an image built from the real Alpine minirootfs, a pinned file and a local copy: every entry
 * accounted for and the rebuild reproduces; a file slipped in with {@code umoci repack} is reported and fails.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuditIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path work;
  static Path project;
  static LocalHttpServer http;

  @BeforeAll
  static void setUp() throws Exception {
    Path minirootfs = Fixtures.file("alpine/minirootfs/alpine-minirootfs-3.20.3-x86_64.tar.gz");
    Path served = Files.createDirectories(work.resolve("served"));
    Files.writeString(served.resolve("motd"), "pinned motd\n");
    http = new LocalHttpServer(served);
    project = Files.createDirectories(work.resolve("project"));
    Files.copy(minirootfs, project.resolve("rootfs.tar.gz"));
    Files.createDirectories(project.resolve("app"));
    Files.writeString(project.resolve("app/hello.sh"), "#!/bin/sh\necho hello\n");
    Files.writeString(project.resolve("build.yaml"), """
        name: audited
        base:
          rootfs: {path: rootfs.tar.gz}
        files:
          - {url: %s, dest: /etc/motd}
        copy:
          - {src: app, dest: /opt/app}
        layers: per-source
        """.formatted(http.url("motd")));
    Sealbuild sb = sealbuild();
    ok(sb.run("lock"));
    ok(sb.run("prep"));
    ok(sb.run("image", "--output", "oci:out/img:latest", "--output", "oci-archive:out/img.tar", "--output", "docker-archive:out/docker.tar"));
  }

  @AfterAll
  static void tearDown() {
    if (http != null) {
      http.close();
    }
  }

  @Test
  @Order(100)
  void diffOfTwoImagesNamesTheChangedFilesAndPackages() throws Exception {
    Sealbuild.Result same = sealbuild().run("diff", "oci:out/img:latest", "oci-archive:out/img.tar");
    assertEquals(0, same.exit(), same.toString());
    assertTrue(same.stdout().contains("no differences"), same.stdout());

    Sealbuild.Result r = sealbuild().run("diff", "oci:out/img:latest", "oci:out/tampered:latest");
    assertEquals(1, r.exit(), r.toString());
    assertTrue(r.stdout().contains("+ /usr/bin/backdoor"), r.stdout());
    assertTrue(r.stdout().contains("~ /etc/motd"), r.stdout());
    assertFalse(r.stdout().contains("/bin/busybox"), "unchanged files are not listed: " + r.stdout());
    assertFalse(r.stdout().contains("packages ("), "the apk database did not change: " + r.stdout());
  }

  private static Sealbuild sealbuild() {
    return new Sealbuild(project).env("SEALBUILD_CACHE", work.resolve("cache").toString());
  }

  private static Map<String, JsonNode> byPath(JsonNode report) {
    Map<String, JsonNode> files = new HashMap<>();
    report.get("files").forEach(f -> files.put(f.get("path").asText(), f));
    return files;
  }

  @Test
  @Order(2)
  void everyEntryOfEveryOutputIsAccountedFor() throws Exception {
    for (String image : List.of("oci:out/img:latest", "oci-archive:out/img.tar", "docker-archive:out/docker.tar")) {
      Sealbuild.Result r = sealbuild().run("audit", image, "--json");
      assertEquals(0, r.exit(), image + "\n" + r);
      JsonNode report = JSON.readTree(r.stdout());
      assertEquals(0, report.get("unaccounted").asInt());
      Map<String, JsonNode> files = byPath(report);
      assertEquals("rootfs", files.get("/bin/busybox").get("origin").get("kind").asText());
      assertEquals("file", files.get("/etc/motd").get("origin").get("kind").asText());
      assertTrue(files.get("/etc/motd").get("origin").get("description").asText().contains(http.url("motd").toString()));
      JsonNode lock = JSON.readTree(project.resolve("build.lock.json").toFile());
      assertTrue(files.get("/etc/motd").get("origin").get("description").asText().contains(lock.get("files").get(0).get("sha256").asText()),
          "a pinned file's origin names its URL and sha256");
      assertTrue(files.get("/bin/busybox").get("origin").get("description").asText().contains(lock.get("rootfs").get("sha256").asText()));
      assertEquals("copy", files.get("/opt/app/hello.sh").get("origin").get("kind").asText());
      assertTrue(report.get("files").size() > 400, "the minirootfs alone has hundreds of entries");
    }
  }

  @Test
  @Order(3)
  void withThePathTheRebuildReproducesTheDigest() throws Exception {
    Sealbuild.Result r = ok(sealbuild().run("audit", "oci:out/img:latest", "."));
    assertTrue(r.stdout().contains("reproduced: sha256:"), r.stdout());
    assertFalse(r.stdout().contains("UNACCOUNTED"), r.stdout());
  }

  @Test
  @Order(4)
  void aRebuildThatDiffersNamesTheFirstDifferingFileAndWhy() throws Exception {
    // Another epoch gives other mtimes: the image is the same content, but not the same bytes.
    Sealbuild.Result r = sealbuild().env("SOURCE_DATE_EPOCH", "86400").run("audit", "oci:out/img:latest", ".");
    assertEquals(1, r.exit(), r.toString());
    String verdict = r.stdout().lines().filter(l -> l.startsWith("NOT reproduced")).findFirst().orElse(r.stdout());
    assertTrue(verdict.contains("layer 1: /bin") && verdict.contains("mtime 0") && verdict.contains("mtime 86400"), verdict);
    assertFalse(r.stdout().contains("UNACCOUNTED"), "the files themselves are all accounted for: " + r.stdout());
  }

  @Test
  @Order(5)
  void aFileSlippedInWithUmociRepackIsReportedAndFails() throws Exception {
    Requirements.requireTools("umoci");
    Tools.ok(project, "cp", "-a", "out/img", "out/tampered");
    Tools.ok(project, "umoci", "unpack", "--rootless", "--image", "out/tampered:latest", "out/bundle");
    Files.writeString(project.resolve("out/bundle/rootfs/usr/bin/backdoor"), "#!/bin/sh\nnc -l 4444\n");
    Files.writeString(project.resolve("out/bundle/rootfs/etc/motd"), "changed after the build\n");
    Tools.ok(project, "umoci", "repack", "--image", "out/tampered:latest", "out/bundle");

    Sealbuild.Result r = sealbuild().run("audit", "oci:out/tampered:latest", "--json");
    assertEquals(1, r.exit(), r.toString());
    JsonNode report = JSON.readTree(r.stdout());
    List<String> unaccounted = new ArrayList<>();
    report.get("files").forEach(f -> {
      if (f.get("origin").get("kind").asText().equals("unaccounted")) {
        unaccounted.add(f.get("path").asText());
      }
    });
    assertTrue(unaccounted.contains("/usr/bin/backdoor"), unaccounted.toString());
    assertTrue(unaccounted.contains("/etc/motd"), unaccounted.toString());

    Sealbuild.Result table = sealbuild().run("audit", "oci:out/tampered:latest", ".");
    assertEquals(1, table.exit(), table.toString());
    assertTrue(table.stdout().contains("UNACCOUNTED") && table.stdout().contains("/usr/bin/backdoor"), table.stdout());
    assertTrue(table.stdout().contains("NOT reproduced") && table.stdout().contains("added after the build"), table.stdout());
  }

  @Test
  @Order(6)
  void aSignedProvenanceIsAttachedAndVerifiedAndATamperedOneFails() throws Exception {
    Requirements.requireTools("openssl");
    Tools.ok(project, "openssl", "genpkey", "-algorithm", "ed25519", "-out", "signing.pem");
    Tools.ok(project, "openssl", "pkey", "-in", "signing.pem", "-pubout", "-out", "signing.pub");
    Tools.ok(project, "openssl", "genpkey", "-algorithm", "ed25519", "-out", "other.pem");
    Tools.ok(project, "openssl", "pkey", "-in", "other.pem", "-pubout", "-out", "other.pub");
    Sealbuild.Result built = ok(sealbuild().run("image", "--output", "oci:out/signed:latest", "--provenance", "out/provenance.json",
        "--sign-key", "signing.pem"));
    JsonNode envelope = JSON.readTree(project.resolve("out/provenance.json").toFile());
    JsonNode statement = JSON.readTree(java.util.Base64.getDecoder().decode(envelope.get("payload").asText()));
    assertEquals(built.lastLine(), "sha256:" + statement.get("subject").get(0).get("digest").get("sha256").asText(),
        "the provenance's subject is the digest build image printed");

    Sealbuild.Result verified = ok(sealbuild().run("audit", "oci:out/signed:latest", "--verify-key", "signing.pub"));
    assertTrue(verified.stdout().contains("provenance: signed by key"), verified.stdout());

    Sealbuild.Result wrongKey = sealbuild().run("audit", "oci:out/signed:latest", "--verify-key", "other.pub");
    assertEquals(1, wrongKey.exit(), wrongKey.toString());
    assertEquals(1, wrongKey.stderr().strip().lines().count(), wrongKey.stderr());

    String payload = new String(java.util.Base64.getDecoder().decode(envelope.get("payload").asText()), java.nio.charset.StandardCharsets.UTF_8);
    String forged = payload.replace(statement.get("subject").get(0).get("digest").get("sha256").asText(), "0".repeat(64));
    ((com.fasterxml.jackson.databind.node.ObjectNode) envelope).put("payload",
        java.util.Base64.getEncoder().encodeToString(forged.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    Files.write(project.resolve("out/forged.json"), JSON.writeValueAsBytes(envelope));
    Sealbuild.Result tampered = sealbuild().run("audit", "oci:out/signed:latest", "--verify-key", "signing.pub",
        "--provenance", "out/forged.json");
    assertEquals(1, tampered.exit(), tampered.toString());
    assertTrue(tampered.stderr().toLowerCase(java.util.Locale.ROOT).contains("signature"), tampered.stderr());
  }

  @Test
  @Order(7)
  void aBadImageIsAOneLineError() throws Exception {
    Sealbuild.Result r = sealbuild().run("audit", "oci:out/nothing-here");
    assertEquals(1, r.exit(), r.toString());
    assertEquals(1, r.stderr().strip().lines().count(), r.stderr());
    assertTrue(r.stderr().contains("nothing-here"), r.stderr());
  }
}

package dev.sealbuild.cli.it;

import static dev.sealbuild.cli.it.Sealbuild.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealbuild.testsupport.Fixtures;
import dev.sealbuild.testsupport.Requirements;
import dev.sealbuild.testsupport.apk.SigningKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code FROM alpine} + {@code RUN apk add hello}, as a spec: the real 3.20.3 minirootfs whose
 * {@code /etc/apk/repositories} and {@code /etc/apk/keys} name a local signed mirror, and a {@code from: base}
 * repository. The lock takes the repository and its key from the base, prep fetches from the URL the base names, and
 * the built image runs what was added.
 */
class AlpineFromBaseIT {
  @TempDir static Path work;
  static Path project;
  static LocalHttpServer http;
  static SigningKey key;

  @BeforeAll
  static void setUp() throws Exception {
    Path minirootfs = Fixtures.file("alpine/minirootfs/alpine-minirootfs-3.20.3-x86_64.tar.gz");
    Path mirror = Files.createDirectories(work.resolve("mirror/alpine/x86_64"));
    key = SigningKey.generate("base@sealbuild.invalid-00000003.rsa.pub");
    HelloApks.write(mirror, key, "1.0-r0", "hello from the base's repository\n");
    http = new LocalHttpServer(work.resolve("mirror"));
    project = Files.createDirectories(work.resolve("project"));
    Path base = project.resolve("alpine-base.tar.gz");
    withOwnRepositories(minirootfs, base, "# the local mirror\n" + http.url("alpine") + "/\n", key);
    Files.writeString(project.resolve("build.yaml"), """
        name: alpine-from-base
        base:
          rootfs: {path: alpine-base.tar.gz}
        repositories:
          - {name: alpine, type: alpine, from: base}
        packages: [hello]
        """);
  }

  @AfterAll
  static void tearDown() {
    if (http != null) {
      http.close();
    }
  }

  /** The minirootfs with its own /etc/apk/repositories and only {@code key} in /etc/apk/keys. */
  private static void withOwnRepositories(Path minirootfs, Path out, String repositories, SigningKey key) throws Exception {
    AlpineBases.withOwnRepositories(minirootfs, out, repositories, key);
  }

  private static Sealbuild sealbuild(String cache) {
    return new Sealbuild(project).env("SEALBUILD_CACHE", work.resolve(cache).toString());
  }

  @Test
  void theBaseNamesTheRepositoryAndItsKeyAndPrepFetchesFromThere() throws Exception {
    Requirements.requireTools("umoci", "unshare", "chroot");
    ok(sealbuild("cache").run("lock"));
    JsonNode lock = new ObjectMapper().readTree(project.resolve("build.lock.json").toFile());
    JsonNode repo = lock.get("repositories").get(0);
    assertEquals("alpine", repo.get("name").asText());
    assertEquals("/etc/apk/repositories", repo.get("from").asText());
    assertEquals(http.url("alpine").toString(), repo.get("url").asText());
    assertEquals(key.publicPem(), repo.get("keys").get(0).get("pem").asText(), "the base's key, embedded");
    List<String> pinned = new ArrayList<>();
    lock.get("packages").forEach(p -> pinned.add(p.get("name").asText()));
    assertEquals(List.of("greeting-data", "hello"), pinned, "musl and busybox come from the base");

    ok(sealbuild("fresh").run("prep"));
    ok(sealbuild("fresh").run("image", "--output", "oci:out/alpine:latest"));
    Tools.ok(project, "umoci", "unpack", "--image", "out/alpine:latest", "out/bundle");
    Path rootfs = project.resolve("out/bundle/rootfs");
    assertEquals("hello from the base's repository\n", Tools.ok(project, "unshare", "-n", "chroot", rootfs.toString(), "/usr/bin/hello"));
    String repositories = Files.readString(rootfs.resolve("etc/apk/repositories"));
    assertTrue(repositories.contains(http.url("alpine").toString()), "the base's repositories file is kept: " + repositories);
  }

  /**
   * A base whose {@code /etc/apk/repositories} has a tagged local mirror line ({@code @edge URL}): {@code hello@edge}
   * takes hello from it, and its dependency from the untagged repository, as apk's pinning does; the image keeps the
   * base's repositories file, so the real apk in the image reads the world as written and finds nothing to change.
   */
  @Test
  void aTaggedLineOfTheBasesRepositoriesServesNameAtTag() throws Exception {
    Requirements.requireTools("umoci", "unshare", "chroot");
    Path dir = Files.createDirectories(work.resolve("tagged"));
    HelloApks.write(Files.createDirectories(work.resolve("mirror/edge/x86_64")), key, "1.1-r0", "hello from edge\n");
    withOwnRepositories(Fixtures.file("alpine/minirootfs/alpine-minirootfs-3.20.3-x86_64.tar.gz"),
        dir.resolve("alpine-base.tar.gz"), "# stable\n" + http.url("alpine") + "/\n\n@edge " + http.url("edge") + "\n", key);
    Files.writeString(dir.resolve("build.yaml"), """
        name: tagged-from-base
        base:
          rootfs: {path: alpine-base.tar.gz}
        repositories:
          - {name: alpine, type: alpine, from: base}
        packages: ['hello@edge']
        """);
    Sealbuild sealbuild = new Sealbuild(dir).env("SEALBUILD_CACHE", work.resolve("tagged-cache").toString());
    ok(sealbuild.run("lock"));
    JsonNode lock = new ObjectMapper().readTree(dir.resolve("build.lock.json").toFile());
    List<String> repos = new ArrayList<>();
    lock.get("repositories").forEach(r -> repos.add(r.get("name").asText() + " " + r.get("url").asText()));
    assertEquals(List.of("alpine " + http.url("alpine"), "alpine-2 " + http.url("edge")), repos);
    List<String> pinned = new ArrayList<>();
    lock.get("packages").forEach(p -> pinned.add(p.get("name").asText() + "-" + p.get("version").asText() + " from "
        + p.get("repository").asText()));
    assertEquals(List.of("greeting-data-1.0-r0 from alpine", "hello-1.1-r0 from alpine-2"), pinned);

    ok(sealbuild.run("prep"));
    ok(sealbuild.run("image", "--output", "oci:out/img:latest"));
    Tools.ok(dir, "umoci", "unpack", "--image", "out/img:latest", "out/bundle");
    Path rootfs = dir.resolve("out/bundle/rootfs");
    assertEquals("hello from the base's repository\n", Tools.ok(dir, "unshare", "-n", "chroot", rootfs.toString(), "/usr/bin/hello"));
    assertTrue(Files.readString(rootfs.resolve("etc/apk/world")).lines().toList().contains("hello@edge"));
    assertTrue(Files.readString(rootfs.resolve("etc/apk/repositories")).contains("@edge " + http.url("edge")));
    Tools.Output audit = Tools.run(dir, "unshare", "-n", "chroot", rootfs.toString(), "/sbin/apk", "audit", "--system");
    assertEquals(0, audit.exit(), audit.stdout() + audit.stderr());
    Tools.Output check = Tools.run(dir, "unshare", "-n", "chroot", rootfs.toString(), "/sbin/apk", "add", "--simulate",
        "--no-network");
    assertTrue(!check.stdout().contains("Installing") && !check.stdout().contains("Purging"), check.stdout() + check.stderr());
  }

  /**
   * {@code buildPackages}: what {@code apk add --virtual .deps … && apk del .deps} does in a Dockerfile. The step
   * runs hello; the image keeps what the step made, even in a directory the package made, and none of the package.
   */
  @Test
  void buildPackagesArePresentWhileTheStepsRunAndInNoLayer() throws Exception {
    Requirements.requireTools("umoci", "unshare", "chroot", "runc");
    Path dir = Files.createDirectories(work.resolve("build-only"));
    Files.copy(project.resolve("alpine-base.tar.gz"), dir.resolve("alpine-base.tar.gz"));
    Files.writeString(dir.resolve("build.yaml"), """
        name: build-only
        base:
          rootfs: {path: alpine-base.tar.gz}
        repositories:
          - {name: alpine, type: alpine, from: base}
        buildPackages: [hello]
        run:
          - hello > /greeting
          - cp /usr/share/greeting/text /usr/share/greeting/kept
        """);
    Sealbuild sealbuild = new Sealbuild(dir).env("SEALBUILD_CACHE", work.resolve("build-only-cache").toString());
    ok(sealbuild.run("lock"));
    JsonNode lock = new ObjectMapper().readTree(dir.resolve("build.lock.json").toFile());
    List<String> buildOnly = new ArrayList<>();
    lock.get("packages").forEach(p -> {
      if (p.path("buildOnly").asBoolean()) {
        buildOnly.add(p.get("name").asText());
      }
    });
    assertEquals(List.of("greeting-data", "hello"), buildOnly, "hello and what only it needs are build-only");
    ok(sealbuild.run("prep"));
    ok(sealbuild.run("image", "--output", "oci:out/img:latest"));
    Tools.ok(dir, "umoci", "unpack", "--image", "out/img:latest", "out/bundle");
    Path rootfs = dir.resolve("out/bundle/rootfs");
    assertEquals("hello from the base's repository\n", Files.readString(rootfs.resolve("greeting")));
    assertEquals("hello from the base's repository\n", Files.readString(rootfs.resolve("usr/share/greeting/kept")),
        "what a step puts in a directory a build-only package made stays");
    assertTrue(!Files.exists(rootfs.resolve("usr/bin/hello")), "hello is in no layer");
    assertTrue(!Files.exists(rootfs.resolve("usr/share/greeting/text")), "nor is greeting-data's file");
    String installed = Files.readString(rootfs.resolve("lib/apk/db/installed"));
    assertTrue(!installed.contains("P:hello\n") && !installed.contains("P:greeting-data\n"), "apk's database lists neither");
    assertTrue(!Files.readString(rootfs.resolve("etc/apk/world")).contains("hello"), "nor does the world");
    String info = Tools.ok(dir, "unshare", "-n", "chroot", rootfs.toString(), "/sbin/apk", "info");
    assertTrue(!info.contains("hello"), "the image's own apk does not know hello: " + info);
  }
}

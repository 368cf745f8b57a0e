package dev.sealbuild.cli.it;

import static dev.sealbuild.cli.it.Sealbuild.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
 * apk's world syntax end to end on the real 3.20.3 minirootfs: a spec asks for {@code hello@edge} from a repository
 * tagged {@code edge} (hello 1.1) beside an untagged one (hello 1.0); the lock pins edge's build, the image's world and
 * repositories say what apk would have written, and the real apk in the image finds nothing to change.
 */
class AlpineWorldIT {
  @TempDir static Path work;
  static LocalHttpServer http;
  static SigningKey key;
  static Path minirootfs;

  @BeforeAll
  static void setUp() throws Exception {
    minirootfs = Fixtures.file("alpine/minirootfs/alpine-minirootfs-3.20.3-x86_64.tar.gz");
    key = SigningKey.generate("test@sealbuild.invalid-00000003.rsa.pub");
    HelloApks.write(work.resolve("mirror/main/x86_64"), key, "1.0-r0", "hello from main\n");
    HelloApks.write(work.resolve("mirror/edge/x86_64"), key, "1.1-r0", "hello from edge\n");
    Files.copy(minirootfs, work.resolve("mirror/" + minirootfs.getFileName()));
    http = new LocalHttpServer(work.resolve("mirror"));
  }

  @AfterAll
  static void tearDown() {
    if (http != null) {
      http.close();
    }
  }

  private static Path project(String name, String packages) throws Exception {
    Path project = Files.createDirectories(work.resolve(name));
    Files.createDirectories(project.resolve("keys"));
    Files.writeString(project.resolve("keys/" + key.name()), key.publicPem());
    Files.writeString(project.resolve("build.yaml"), """
        name: alpine-world
        base:
          rootfs:
            url: %s
            sha256: %s
        repositories:
          - name: main
            type: alpine
            url: %s
            keys: [keys/%s]
          - name: edge
            type: alpine
            url: %s
            keys: [keys/%s]
            tag: edge
        packages: %s
        config:
          entrypoint: [/usr/bin/hello]
        """.formatted(http.url(minirootfs.getFileName().toString()), OciLayoutReader.sha256(minirootfs), http.url("main"),
        key.name(), http.url("edge"), key.name(), packages));
    return project;
  }

  private static Sealbuild sealbuild(Path project) {
    return new Sealbuild(project).env("SEALBUILD_CACHE", work.resolve("cache").toString());
  }

  private static List<String> pinned(Path project) throws Exception {
    JsonNode lock = new ObjectMapper().readTree(project.resolve("build.lock.json").toFile());
    List<String> pinned = new ArrayList<>();
    lock.get("packages").forEach(p -> pinned.add(p.get("name").asText() + "-" + p.get("version").asText() + " from "
        + p.get("repository").asText()));
    return pinned;
  }

  @Test
  void aTaggedRequestTakesTheTaggedRepositoryAndTheRealApkAgreesWithTheImage() throws Exception {
    Path project = project("tagged", "['hello@edge', '!hello-doc']");
    ok(sealbuild(project).run("lock"));
    // As apk-world(5) says: the tag is inherited by dependencies as allowed, but an untagged repository is preferred.
    assertEquals(List.of("greeting-data-1.0-r0 from main", "hello-1.1-r0 from edge"), pinned(project));
    JsonNode lockedWorld = new ObjectMapper().readTree(project.resolve("build.lock.json").toFile()).get("world");
    assertEquals("[\"hello@edge\",\"!hello-doc\"]", lockedWorld.toString(), "the world as written, by name");

    Requirements.requireTools("umoci", "unshare", "chroot");
    ok(sealbuild(project).run("prep"));
    ok(sealbuild(project).run("image", "--output", "oci:out/world:latest"));
    Tools.ok(project, "umoci", "unpack", "--image", "out/world:latest", "out/bundle");
    Path rootfs = project.resolve("out/bundle/rootfs");
    assertEquals("hello from main\n", Tools.ok(project, "unshare", "-n", "chroot", rootfs.toString(), "/usr/bin/hello"));
    String world = Files.readString(rootfs.resolve("etc/apk/world"));
    assertTrue(world.lines().toList().containsAll(List.of("!hello-doc", "hello@edge", "busybox")), world);
    String repositories = Files.readString(rootfs.resolve("etc/apk/repositories"));
    assertEquals(List.of(http.url("main").toString(), "@edge " + http.url("edge")), repositories.lines().toList());
    Tools.Output audit = Tools.run(project, "unshare", "-n", "chroot", rootfs.toString(), "/sbin/apk", "audit", "--system");
    assertEquals(0, audit.exit(), audit.stdout() + audit.stderr());
    assertFalse(audit.stdout().contains("usr/bin/hello"), audit.stdout());
    // The real apk reads the world as written and finds the installed packages satisfy it: nothing to install or remove.
    Tools.Output check = Tools.run(project, "unshare", "-n", "chroot", rootfs.toString(), "/sbin/apk", "add", "--simulate",
        "--no-network");
    assertFalse(check.stdout().contains("Installing") || check.stdout().contains("Purging"), check.stdout() + check.stderr());
  }

  @Test
  void anUntaggedVersionedRequestNeverTakesTheTaggedRepository() throws Exception {
    Path project = project("versioned", "['hello<1.1', 'greeting-data~1.0']");
    ok(sealbuild(project).run("lock"));
    assertEquals(List.of("greeting-data-1.0-r0 from main", "hello-1.0-r0 from main"), pinned(project));

    Path refused = project("refused", "['hello>=1.1']");
    Sealbuild.Result r = sealbuild(refused).run("lock");
    assertEquals(1, r.exit(), r.toString());
    assertTrue(r.stderr().contains("only a repository tagged edge has it; request it as hello@edge"), r.stderr());
    assertEquals(1, r.stderr().lines().filter(l -> l.startsWith("error:")).count(), r.stderr());
  }
}

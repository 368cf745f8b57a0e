package dev.sealbuild.cli.it;

import static dev.sealbuild.cli.it.Sealbuild.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealbuild.testsupport.Fixtures;
import dev.sealbuild.testsupport.Requirements;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run:} steps, stages and temporary inputs end to end on the real Alpine minirootfs, as a user runs them:
 * lock, prep, image (steps in runc with no network), then the image's layers, history and audit read back.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StepsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path work;
  static Path project;
  static String firstDigest;
  static String firstBuildOutput;

  static final String SPEC = """
      name: steps
      base:
        rootfs: {path: rootfs.tar.gz}
      layers: per-source
      stages:
        tools:
          copy:
            - {src: gen.sh, dest: /bin/gen, mode: "0755"}
        gen:
          base:
            rootfs: {path: rootfs.tar.gz}
          copy:
            - {from: tools, src: /bin/gen, dest: /usr/local/bin/gen}
            - {src: input.txt, dest: /usr/share/gen/input.txt}
          run:
            - mkdir -p /out && gen > /out/report.txt && chown 1000:1000 /out/report.txt && echo generated the report
      copy:
        - {src: input.txt, dest: /work/input.txt, temporary: true}
        - {from: gen, src: /out/report.txt, dest: /srv/report.txt}
        - {src: app, dest: /opt/app}
      run:
        - sort -r /work/input.txt > /srv/sorted.txt && rm /etc/motd && mkdir /data && chown 1000:1000 /data
        - command: [/bin/sh, -c, "id -u > /data/whoami; pwd > /data/pwd; echo $MODE > /data/mode; ls /work 2>&1 | wc -l > /data/work"]
          env: {MODE: release}
          workdir: /opt/app
          user: "1000:1000"
      """;

  @BeforeAll
  static void setUp() throws Exception {
    Requirements.requireTools("runc", "unshare");
    project = Files.createDirectories(work.resolve("project"));
    Files.copy(Fixtures.file("alpine/minirootfs/alpine-minirootfs-3.20.3-x86_64.tar.gz"), project.resolve("rootfs.tar.gz"));
    Files.writeString(project.resolve("gen.sh"), "#!/bin/sh\necho \"generated on $(cat /etc/alpine-release) at $SOURCE_DATE_EPOCH\"\n");
    Files.writeString(project.resolve("input.txt"), "alpha\ncharlie\nbravo\n");
    Files.createDirectories(project.resolve("app"));
    Files.writeString(project.resolve("app/main.sh"), "#!/bin/sh\necho app\n");
    Files.writeString(project.resolve("build.yaml"), SPEC);
    ok(sealbuild().run("lock"));
    ok(sealbuild().run("prep"));
    Sealbuild.Result built = ok(sealbuild().run("image", "--output", "oci:out/img:latest"));
    firstDigest = built.lastLine();
    firstBuildOutput = built.stderr();
  }

  static Sealbuild sealbuild() {
    return new Sealbuild(project).env("SEALBUILD_CACHE", work.resolve("cache").toString()).env("SOURCE_DATE_EPOCH", "1700000000");
  }

  /** Another project on the same minirootfs and cache, locked and prepped. */
  private static Sealbuild prepared(String name, String spec) throws Exception {
    Path dir = Files.createDirectories(work.resolve(name));
    Files.copy(project.resolve("rootfs.tar.gz"), dir.resolve("rootfs.tar.gz"));
    Files.writeString(dir.resolve("build.yaml"), spec);
    Sealbuild sb = new Sealbuild(dir).env("SEALBUILD_CACHE", work.resolve("cache").toString());
    ok(sb.run("lock"));
    ok(sb.run("prep"));
    return sb;
  }

  private static List<Map<String, OciLayoutReader.Entry>> layers(String layout) throws Exception {
    OciLayoutReader reader = new OciLayoutReader(project.resolve(layout));
    return reader.layers(reader.manifest(null));
  }

  private static OciLayoutReader.Entry find(List<Map<String, OciLayoutReader.Entry>> layers, String path) {
    OciLayoutReader.Entry found = null;
    for (Map<String, OciLayoutReader.Entry> layer : layers) {
      if (layer.containsKey(path)) {
        found = layer.get(path);
      }
    }
    return found;
  }

  private static String content(String layout, String path) throws Exception {
    Path bundle = work.resolve("bundle-" + layout.replace('/', '-'));
    if (!Files.isDirectory(bundle)) {
      Tools.ok(project, "umoci", "raw", "unpack", "--image", layout + ":latest", bundle.toString());
    }
    return Files.readString(bundle.resolve(path));
  }

  @Test
  @Order(1)
  void stepsRanOfflineAndTheirResultsAreInTheImage() throws Exception {
    Requirements.requireTools("umoci");
    assertTrue(firstBuildOutput.contains("gen #1 | generated the report"), "a step's output is shown with its prefix:\n"
        + firstBuildOutput);
    assertEquals("charlie\nbravo\nalpha\n", content("out/img", "srv/sorted.txt"));
    assertEquals("generated on 3.20.3 at 1700000000\n", content("out/img", "srv/report.txt"));
    assertEquals("1000\n", content("out/img", "data/whoami"));
    assertEquals("/opt/app\n", content("out/img", "data/pwd"));
    assertEquals("release\n", content("out/img", "data/mode"));
    assertEquals("1\n", content("out/img", "data/work"), "the temporary input is there while the step runs");
    List<Map<String, OciLayoutReader.Entry>> layers = layers("out/img");
    OciLayoutReader.Entry whoami = find(layers, "data/whoami");
    assertEquals(1000, whoami.uid(), "owners are the container's");
    assertEquals(1000, whoami.gid());
    assertEquals(1700000000L, whoami.mtime(), "mtimes clamped to the epoch");
    OciLayoutReader.Entry report = find(layers, "srv/report.txt");
    assertEquals(0, report.uid(), "a from: copy takes the entry's owner (root), not the stage's");
  }

  @Test
  @Order(2)
  void temporaryInputsAndStageToolsReachNoLayerAndDeletionsAreWhiteouts() throws Exception {
    List<Map<String, OciLayoutReader.Entry>> layers = layers("out/img");
    for (Map<String, OciLayoutReader.Entry> layer : layers) {
      for (String name : layer.keySet()) {
        assertFalse(name.startsWith("work"), "temporary input in a layer: " + name);
        assertFalse(name.startsWith("out/") || name.equals("usr/local/bin/gen"), "a stage's file in a layer: " + name);
      }
    }
    assertTrue(layers.get(layers.size() - 2).containsKey("etc/.wh.motd"), "rm /etc/motd is a whiteout in the step's layer");
    JsonNode config = new OciLayoutReader(project.resolve("out/img")).config(new OciLayoutReader(project.resolve("out/img")).manifest(null));
    List<String> history = new ArrayList<>();
    config.get("history").forEach(h -> history.add(h.path("created_by").asText()));
    assertTrue(history.stream().anyMatch(h -> h.contains("run step 1 of the image: sort -r /work/input.txt")), history.toString());
    assertTrue(history.stream().anyMatch(h -> h.contains("run step 2 of the image: /bin/sh -c id -u")), history.toString());
  }

  @Test
  @Order(3)
  void aRebuildIsByteIdenticalAndReusesEveryStep() throws Exception {
    Sealbuild.Result again = ok(sealbuild().run("image", "--output", "oci:out/again:latest"));
    assertEquals(firstDigest, again.lastLine());
    Sealbuild.Result fresh = ok(sealbuild().run("image", "--no-layer-cache", "--output", "oci:out/fresh:latest"));
    assertEquals(firstDigest, fresh.lastLine(), "running every step again gives the same bytes");
    assertTrue(fresh.stderr().contains("gen #1 | generated the report"), fresh.stderr());
  }

  @Test
  @Order(4)
  void changingTheImagesOwnCopyDoesNotBuildTheStageAndANewCopyFromItReusesItsStep() throws Exception {
    Files.writeString(project.resolve("app/main.sh"), "#!/bin/sh\necho app v2\n");
    String spec = Files.readString(project.resolve("build.yaml"));
    try {
      Sealbuild.Result r = ok(sealbuild().run("image", "--output", "oci:out/changed:latest"));
      assertNotEquals(firstDigest, r.lastLine());
      assertTrue(r.stderr().contains("reusing copy[1] from stage gen"), r.stderr());
      assertFalse(r.stderr().contains("building stage gen"), "an unchanged stage was built again:\n" + r.stderr());
      Sealbuild.Result fresh = ok(sealbuild().run("image", "--no-layer-cache", "--output", "oci:out/changed-fresh:latest"));
      assertEquals(r.lastLine(), fresh.lastLine(), "what a cached copy from a stage gives is what building the stage gives");

      Files.writeString(project.resolve("build.yaml"), spec.replace(
          "  - {src: app, dest: /opt/app}\n", "  - {src: app, dest: /opt/app}\n  - {from: gen, src: /out, dest: /srv/out}\n"));
      ok(sealbuild().run("lock"));
      Sealbuild.Result added = ok(sealbuild().run("image", "--output", "oci:out/added:latest"));
      assertTrue(added.stderr().contains("building stage gen"), added.stderr());
      assertTrue(added.stderr().contains("reusing run step 1 of stage gen"), added.stderr());
      assertFalse(added.stderr().contains("gen #1 |"), "the stage's step ran again:\n" + added.stderr());
      Sealbuild.Result addedFresh = ok(sealbuild().run("image", "--no-layer-cache", "--output", "oci:out/added-fresh:latest"));
      assertEquals(added.lastLine(), addedFresh.lastLine(), "a reused step result gives the bytes running the step gives");
      assertTrue(addedFresh.stderr().contains("gen #1 | generated the report"), addedFresh.stderr());

      // A changed step re-runs over the stage's earlier sources, read back from the cache instead of added again.
      Files.writeString(project.resolve("build.yaml"), spec.replace("echo generated the report", "echo generated it"));
      ok(sealbuild().run("lock"));
      Sealbuild.Result stepChanged = ok(sealbuild().run("image", "--output", "oci:out/step-changed:latest"));
      assertTrue(stepChanged.stderr().contains("reusing stage gen: copy[1] input.txt"), stepChanged.stderr());
      assertTrue(stepChanged.stderr().contains("gen #1 | generated it"), stepChanged.stderr());
      Sealbuild.Result stepChangedFresh = ok(sealbuild().run("image", "--no-layer-cache", "--output", "oci:out/step-fresh:latest"));
      assertEquals(stepChanged.lastLine(), stepChangedFresh.lastLine(), "a stage rebuilt from cached layers gives the same bytes");
    } finally {
      Files.writeString(project.resolve("app/main.sh"), "#!/bin/sh\necho app\n");
      Files.writeString(project.resolve("build.yaml"), spec);
      ok(sealbuild().run("lock"));
    }
  }

  @Test
  @Order(5)
  void auditNamesTheStepBehindEachFileAndReproducesTheImage() throws Exception {
    Sealbuild.Result r = sealbuild().run("audit", "oci:out/img:latest", "--json");
    assertEquals(0, r.exit(), r.toString());
    JsonNode report = JSON.readTree(r.stdout());
    assertEquals(0, report.get("unaccounted").asInt(), r.stdout());
    Map<String, JsonNode> files = new HashMap<>();
    report.get("files").forEach(f -> files.put(f.get("path").asText(), f));
    JsonNode sorted = files.get("/srv/sorted.txt").get("origin");
    assertEquals("step", sorted.get("kind").asText());
    assertTrue(sorted.get("description").asText().startsWith("run step 1 of the image (sort -r"), sorted.toString());
    JsonNode report2 = files.get("/srv/report.txt").get("origin");
    assertEquals("step", report2.get("kind").asText());
    assertTrue(report2.get("description").asText().contains("run step 1 of stage gen")
        && report2.get("description").asText().contains("copy[1] from stage gen"), report2.toString());
    Sealbuild.Result rebuild = ok(sealbuild().run("audit", "oci:out/img:latest", "."));
    assertTrue(rebuild.stdout().contains("reproduced: sha256:"), rebuild.stdout());
  }

  @Test
  @Order(5)
  void theProvenanceListsStagesAndStepsAsDefined() throws Exception {
    ok(sealbuild().run("image", "--output", "oci:out/prov:latest", "--provenance", "out/provenance.json"));
    JsonNode parameters = JSON.readTree(project.resolve("out/provenance.json").toFile())
        .get("predicate").get("buildDefinition").get("externalParameters");
    assertEquals("[\"tools\",\"gen\"]", parameters.get("stages").toString());
    JsonNode steps = parameters.get("steps");
    assertEquals(3, steps.size(), steps.toString());
    assertEquals("gen", steps.get(0).get("stage").asText());
    assertEquals("/bin/sh", steps.get(0).get("command").get(0).asText());
    assertFalse(steps.get(1).has("stage"), "the image's own steps name no stage: " + steps.get(1));
    assertEquals("1000:1000", steps.get(2).get("user").asText());
    assertEquals("release", steps.get(2).get("env").get("MODE").asText());
  }

  @Test
  @Order(6)
  void aStepThatIsNotReproducibleIsNamedByTheAuditsRebuild() throws Exception {
    Sealbuild sb = prepared("random", """
        name: random
        base:
          rootfs: {path: rootfs.tar.gz}
        run:
          - head -c 16 /dev/urandom | od -An -tx1 > /etc/random-id
        """);
    ok(sb.run("image", "--output", "oci:out/random:latest"));
    Sealbuild.Result audit = sb.run("audit", "oci:out/random:latest", ".");
    assertEquals(1, audit.exit(), audit.toString());
    String verdict = audit.stdout().lines().filter(l -> l.startsWith("NOT reproduced")).findFirst().orElse(audit.stdout());
    assertTrue(verdict.contains("/etc/random-id"), verdict);
  }

  @Test
  @Order(6)
  void aStepReachesNeitherTheHostsLoopbackNorAnyNameServer() throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      listener.setSoTimeout(200);
      AtomicInteger accepted = new AtomicInteger();
      Thread acceptor = new Thread(() -> {
        while (!listener.isClosed()) {
          try {
            listener.accept().close();
            accepted.incrementAndGet();
          } catch (SocketTimeoutException e) {
            // keep listening
          } catch (java.io.IOException e) {
            return;
          }
        }
      });
      acceptor.start();
      Path net = work.resolve("net");
      Sealbuild sb = prepared("net", """
          name: net
          base:
            rootfs: {path: rootfs.tar.gz}
          run:
            - (wget -q -T 3 -O- http://127.0.0.1:%d/ && echo reached || echo unreachable) > /net; (nslookup example.com >/dev/null 2>&1 && echo resolved || echo no-dns) >> /net; ip -o link | wc -l >> /net
          """.formatted(listener.getLocalPort()));
      ok(sb.run("image", "--no-layer-cache", "--output", "oci:out/net:latest"));
      Tools.ok(net, "umoci", "raw", "unpack", "--image", "out/net:latest", "rootfs");
      assertEquals("unreachable\nno-dns\n1\n", Files.readString(net.resolve("rootfs/net")), "only a loopback interface");
      listener.close();
      acceptor.join();
      assertEquals(0, accepted.get(), "the host's listener saw a connection from a step");
    }
  }

  @Test
  @Order(7)
  void stepsGiveTheSameDigestForAnotherUserWhoCannotChangeOwners() throws Exception {
    Requirements.requireTools("setpriv");
    Path shared = Files.createDirectories(work.resolve("users"));
    Files.copy(project.resolve("rootfs.tar.gz"), shared.resolve("rootfs.tar.gz"));
    Files.writeString(shared.resolve("build.yaml"), """
        name: users
        base:
          rootfs: {path: rootfs.tar.gz}
        run:
          - mkdir -p /var/app && echo built > /var/app/out && ln -s out /var/app/link && rm /etc/issue
        """);
    ok(new Sealbuild(shared).env("SEALBUILD_CACHE", shared.resolve("cache").toString()).run("lock"));
    ok(new Sealbuild(shared).env("SEALBUILD_CACHE", shared.resolve("cache").toString()).run("prep"));
    String root = ok(new Sealbuild(shared).env("SEALBUILD_CACHE", shared.resolve("cache").toString())
        .run("image", "--no-layer-cache", "--output", "oci:out/root:latest")).lastLine();
    try (java.util.stream.Stream<Path> s = Files.walk(work)) {
      for (Path p : s.toList()) {
        if (!Files.isSymbolicLink(p)) {
          Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString(
              Files.isDirectory(p) ? "rwxrwxrwx" : "rw-rw-rw-"));
        }
      }
    }
    Sealbuild nobody = new Sealbuild(shared).env("SEALBUILD_CACHE", shared.resolve("cache").toString())
        .env("SEALBUILD_LAYER_CACHE", "off").env("HOME", shared.toString())
        .wrapper("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups");
    Sealbuild.Result asNobody = ok(nobody.run("image", "--output", "oci:out/nobody:latest"));
    assertEquals(root, asNobody.lastLine(), "a step's result depends on who runs the build:\n" + asNobody);

    Files.writeString(shared.resolve("build.yaml"), Files.readString(shared.resolve("build.yaml"))
        .replace("rm /etc/issue", "chown 1000:1000 /var/app/out"));
    ok(nobody.run("lock"));
    Sealbuild.Result chown = nobody.run("image", "--output", "oci:out/chown:latest");
    assertNotEquals(0, chown.exit());
    String error = chown.stderr().lines().filter(l -> l.startsWith("error:")).findFirst().orElse(chown.stderr());
    assertTrue(error.contains("cannot change file owners"), error);
  }

  @Test
  @Order(7)
  void aUserWithSubordinateIdsGetsAFullRangeSoStepsCanChown() throws Exception {
    String user = System.getenv("SEALBUILD_TEST_SUBUID_USER");
    Requirements.require(user != null && !user.isBlank() && Requirements.onPath("runuser"),
        "SEALBUILD_TEST_SUBUID_USER names no account with /etc/subuid and /etc/subgid ranges (.ci/run creates one)");
    Path dir = Files.createDirectories(work.resolve("subuid"));
    Files.copy(project.resolve("rootfs.tar.gz"), dir.resolve("rootfs.tar.gz"));
    Files.writeString(dir.resolve("build.yaml"), """
        name: subuid
        base:
          rootfs: {path: rootfs.tar.gz}
        run:
          - mkdir -p /var/app && echo built > /var/app/out && chown 1000:1000 /var/app/out
        """);
    Sealbuild asRoot = new Sealbuild(dir).env("SEALBUILD_CACHE", dir.resolve("cache").toString());
    ok(asRoot.run("lock"));
    ok(asRoot.run("prep"));
    String root = ok(asRoot.run("image", "--no-layer-cache", "--output", "oci:out/root:latest")).lastLine();
    try (java.util.stream.Stream<Path> s = Files.walk(work)) {
      for (Path p : s.toList()) {
        if (!Files.isSymbolicLink(p)) {
          Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString(
              Files.isDirectory(p) ? "rwxrwxrwx" : "rw-rw-rw-"));
        }
      }
    }
    Sealbuild.Result theirs = ok(new Sealbuild(dir).env("SEALBUILD_CACHE", dir.resolve("cache").toString())
        .env("SEALBUILD_LAYER_CACHE", "off").env("HOME", dir.toString())
        .wrapper("runuser", "-u", user, "--")
        .run("image", "--output", "oci:out/theirs:latest"));
    assertEquals(root, theirs.lastLine(), theirs.toString());
    OciLayoutReader.Entry out = find(new OciLayoutReader(dir.resolve("out/theirs"))
        .layers(new OciLayoutReader(dir.resolve("out/theirs")).manifest(null)), "var/app/out");
    assertEquals(1000, out.uid(), "the step's chown, as the container saw it");
  }

  @Test
  @Order(8)
  void aFailingStepStopsTheBuildNamingItsCommandExitCodeAndLastLinesAndWritesNothing() throws Exception {
    Path failing = work.resolve("failing");
    Sealbuild sb = prepared("failing", """
        name: failing
        base:
          rootfs: {path: rootfs.tar.gz}
        stages:
          compile:
            base:
              rootfs: {path: rootfs.tar.gz}
            run:
              - "true"
              - for i in $(seq 1 30); do echo line $i; done; echo broken >&2; exit 3
        copy:
          - {from: compile, src: /etc/hostname, dest: /x}
        """);
    Sealbuild.Result r = sb.run("image", "--output", "oci-archive:out/failing.tar");
    assertNotEquals(0, r.exit(), r.toString());
    String error = r.stderr().lines().filter(l -> l.startsWith("error:")).findFirst().orElse(r.stderr());
    assertTrue(error.contains("run step 2 of stage compile") && error.contains("exit") && error.contains("3"), error);
    assertTrue(r.stderr().contains("line 30") && r.stderr().contains("broken"), r.stderr());
    assertFalse(Files.exists(failing.resolve("out/failing.tar")), "nothing is written at the output");

    Sealbuild.Result noRuntime = sb.run("image", "--runtime", "/nonexistent/runc", "--output", "oci-archive:out/failing.tar");
    assertNotEquals(0, noRuntime.exit());
    String line = noRuntime.stderr().lines().filter(l -> l.startsWith("error:")).findFirst().orElse(noRuntime.stderr());
    assertTrue(line.contains("/nonexistent/runc"), line);
  }
}

package dev.sealbuild.cli.it;

import static dev.sealbuild.cli.it.Sealbuild.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.testsupport.Requirements;
import dev.sealbuild.testsupport.registry.LocalRegistry;
import dev.sealbuild.testsupport.registry.TestImages;
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
 * {@code base: {stage: …}} end to end (Dockerfile's {@code FROM build AS final}): the image starts from a stage that
 * starts from a base image in docker-registry and runs steps; its steps see the base image's Env; the config carries
 * volumes, healthcheck and shell as docker and podman read them.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StageBaseIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path work;
  static LocalRegistry registry;
  static TestImages images;
  static Path project;
  static String digest;

  static final String SPEC = """
      name: staged
      base: {stage: build}
      stages:
        build:
          base: {image: %s/alpine:3.20}
          copy:
            - {src: gen.sh, dest: /usr/local/bin/gen, mode: "0755"}
          run:
            - command: gen > /srv/out.txt && echo "$BASE_ONLY $MODE $SOURCE_DATE_EPOCH" > /etc/seen-env && rm /etc/motd
              env: {MODE: release}
      copy:
        - {src: app.txt, dest: /opt/app.txt}
      run:
        - cat /etc/seen-env /srv/out.txt > /opt/seen && echo "$BASE_ONLY" >> /opt/seen
      config:
        env: {APP: "1"}
        cmd: [/bin/cat, /opt/seen]
        volumes: [/data]
        shell: [/bin/ash, -c]
        healthcheck:
          test: [CMD-SHELL, "test -f /opt/app.txt"]
          interval: 30s
          timeout: 1m30s
          retries: 3
      """;

  @BeforeAll
  static void setUp() throws Exception {
    LocalRegistry.requireTools();
    Requirements.requireTools("runc", "unshare", "umoci", "skopeo");
    images = TestImages.write(work.resolve("seed"));
    registry = LocalRegistry.start(Files.createDirectories(work.resolve("registry")), null);
    registry.push(images.source("amd64"), "alpine:3.20", false, null);
    project = Files.createDirectories(work.resolve("project"));
    Files.writeString(project.resolve("gen.sh"), "#!/bin/sh\necho \"generated on $(cat /etc/alpine-release)\"\n");
    Files.writeString(project.resolve("app.txt"), "app\n");
    Files.writeString(project.resolve("build.yaml"), SPEC.formatted(registry.host()));
    ok(sealbuild().run("lock"));
    ok(sealbuild().run("prep"));
    digest = ok(sealbuild().run("image", "--output", "oci:out/img:latest")).lastLine();
  }

  @AfterAll
  static void tearDown() {
    if (registry != null) {
      registry.close();
    }
  }

  static Sealbuild sealbuild() {
    return new Sealbuild(project).env("SEALBUILD_CACHE", work.resolve("cache").toString()).env("SOURCE_DATE_EPOCH", "1700000000");
  }

  private static String content(String path) throws Exception {
    Path bundle = work.resolve("bundle");
    if (!Files.isDirectory(bundle)) {
      Tools.ok(project, "umoci", "raw", "unpack", "--image", "out/img:latest", bundle.toString());
    }
    return Files.readString(bundle.resolve(path));
  }

  @Test
  @Order(1)
  void theLockPinsTheBaseImageOnlyInTheStage() throws Exception {
    JsonNode lock = JSON.readTree(project.resolve("build.lock.json").toFile());
    assertTrue(!lock.has("baseImage") && !lock.has("rootfs"), "the image pins no base of its own: " + lock);
    assertEquals(registry.host() + "/alpine:3.20", lock.get("stages").get("build").get("baseImage").get("reference").asText());
    ok(sealbuild().run("lock", "--check"));
  }

  @Test
  @Order(1)
  void theImageIsTheBaseImageLayerThenWhatTheStageAndTheImageAdded() throws Exception {
    assertEquals("generated on 3.20.3\n", content("srv/out.txt"), "the stage's step ran over the base image");
    assertEquals("app\n", content("opt/app.txt"));
    assertEquals("kept release 1700000000\ngenerated on 3.20.3\nkept\n", content("opt/seen"),
        "steps see the base image's Env under their own; SOURCE_DATE_EPOCH is the build's");
    assertTrue(!Files.exists(work.resolve("bundle/rootfs/etc/motd")) && !Files.exists(work.resolve("bundle/etc/motd")),
        "the stage's deletion is applied");
    JsonNode manifest = JSON.readTree(Tools.ok(project, "skopeo", "inspect", "--raw", "oci:out/img:latest"));
    JsonNode layers = manifest.get("layers");
    assertEquals(2, layers.size(), "the base image's layer, then one squashed layer: " + manifest);
    assertEquals(Sha256.hash(images.amd64Layer).toString(), layers.get(0).get("digest").asText(),
        "the base image's layer is reused as it is");
    assertEquals(registry.host() + "/alpine:3.20", manifest.get("annotations").get("org.opencontainers.image.base.name").asText());
  }

  @Test
  @Order(1)
  void theConfigIsTheBaseImagesThenTheSpecsAsDockerReadsIt() throws Exception {
    // --raw: skopeo's parsed form is the OCI struct, which has no Healthcheck or Shell.
    JsonNode config = JSON.readTree(Tools.ok(project, "skopeo", "inspect", "--raw", "--config", "oci:out/img:latest")).get("config");
    List<String> env = new ArrayList<>();
    config.get("Env").forEach(e -> env.add(e.asText()));
    assertTrue(env.contains("BASE_ONLY=kept") && env.contains("APP=1"), env.toString());
    assertEquals("{\"/data\":{}}", config.get("Volumes").toString());
    assertEquals("[\"/bin/ash\",\"-c\"]", config.get("Shell").toString());
    JsonNode health = config.get("Healthcheck");
    assertEquals("[\"CMD-SHELL\",\"test -f /opt/app.txt\"]", health.get("Test").toString());
    assertEquals(30_000_000_000L, health.get("Interval").asLong());
    assertEquals(90_000_000_000L, health.get("Timeout").asLong());
    assertEquals(3, health.get("Retries").asInt());
  }

  /** podman reads Healthcheck only from a Docker-format image (as buildah writes it only with --format docker). */
  @Test
  @Order(2)
  void podmanReadsTheHealthcheckAndVolumesOfTheDockerArchive() throws Exception {
    Requirements.requireTools("podman");
    ok(sealbuild().run("image", "--output", "docker-archive:out/img.tar:staged:1"));
    Tools.Output loaded = Tools.run(project, "podman", "pull", "-q", "docker-archive:out/img.tar");
    if (loaded.exit() != 0) {
      org.junit.jupiter.api.Assumptions.abort("podman cannot load images here: " + loaded);
    }
    String id = loaded.stdout().strip().lines().reduce((a, b) -> b).orElseThrow();
    try {
      JsonNode inspected = JSON.readTree(Tools.ok(project, "podman", "image", "inspect", id)).get(0);
      assertEquals("[\"CMD-SHELL\",\"test -f /opt/app.txt\"]", inspected.get("Healthcheck").get("Test").toString(), inspected.toString());
      assertEquals(30_000_000_000L, inspected.get("Healthcheck").get("Interval").asLong());
      assertTrue(inspected.get("Config").get("Volumes").has("/data"), inspected.toString());
      List<String> env = new ArrayList<>();
      inspected.get("Config").get("Env").forEach(e -> env.add(e.asText()));
      assertTrue(env.contains("BASE_ONLY=kept") && env.contains("APP=1"), env.toString());
    } finally {
      Tools.run(project, "podman", "rmi", "-f", id);
    }
  }

  @Test
  @Order(3)
  void auditNamesTheStagesOriginsAndReproducesTheImage() throws Exception {
    Sealbuild.Result r = sealbuild().run("audit", "oci:out/img:latest", "--json");
    assertEquals(0, r.exit(), r.toString());
    JsonNode report = JSON.readTree(r.stdout());
    assertEquals(0, report.get("unaccounted").asInt(), r.stdout());
    Map<String, JsonNode> files = new HashMap<>();
    report.get("files").forEach(f -> files.put(f.get("path").asText(), f));
    JsonNode out = files.get("/srv/out.txt").get("origin");
    assertEquals("step", out.get("kind").asText());
    assertTrue(out.get("description").asText().contains("stage build"), out.toString());
    assertEquals("base-image", files.get("/etc/alpine-release").get("origin").get("kind").asText());
    Sealbuild.Result rebuild = ok(sealbuild().run("audit", "oci:out/img:latest", "."));
    assertTrue(rebuild.stdout().contains("reproduced: " + digest), rebuild.stdout());
  }

  @Test
  @Order(4)
  void changingTheBaseStageChangesTheImageAndAnUnchangedRebuildIsTheSame() throws Exception {
    assertEquals(digest, ok(sealbuild().run("image", "--output", "oci:out/again:latest")).lastLine());
    Files.writeString(project.resolve("gen.sh"), "#!/bin/sh\necho \"generated again\"\n");
    String changed = ok(sealbuild().run("image", "--output", "oci:out/changed:latest")).lastLine();
    assertNotEquals(digest, changed);
    Path bundle = work.resolve("bundle-changed");
    Tools.ok(project, "umoci", "raw", "unpack", "--image", "out/changed:latest", bundle.toString());
    assertEquals("kept release 1700000000\ngenerated again\nkept\n", Files.readString(bundle.resolve("opt/seen")),
        "the image's step ran again over the changed stage");
  }
}

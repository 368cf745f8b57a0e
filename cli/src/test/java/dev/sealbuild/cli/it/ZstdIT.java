package dev.sealbuild.cli.it;

import static dev.sealbuild.cli.it.Sealbuild.ok;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sealbuild.testsupport.Requirements;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code compression: zstd} end to end: the added layer is zstd with OCI's {@code +zstd} media type, real tools read
 * it (skopeo, podman from an oci-archive and from a docker-archive, which carries plain tars), audit reads it, and
 * switching back to gzip keeps the lock and the diff_ids.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ZstdIT {
  private static final byte[] ZSTD_MAGIC = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd};
  private static final String SPEC = """
      name: zstd-it
      compression: %s
      copy:
        - src: app
          dest: /app
      """;
  @TempDir static Path project;
  static Sealbuild sealbuild;
  static List<String> zstdDiffIds;

  @BeforeAll
  static void setUp() throws Exception {
    Path app = project.resolve("app");
    Files.createDirectories(app.resolve("lib"));
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 20_000; i++) {
      text.append("line ").append(i % 97).append(" of a file that repeats itself\n");
    }
    Files.writeString(app.resolve("lib/big.txt"), text);
    Files.writeString(app.resolve("hello.sh"), "#!/bin/sh\necho hello\n");
    Files.writeString(project.resolve("build.yaml"), SPEC.formatted("zstd"));
    sealbuild = new Sealbuild(project).env("SEALBUILD_CACHE", project.resolve("cache").toString());
    ok(sealbuild.run("lock"));
  }

  @Test
  @Order(1)
  void theAddedLayerIsZstdWithTheOciMediaType() throws Exception {
    ok(sealbuild.run("image", "--output", "oci:out/layout:v1", "--output", "oci-archive:out/image.tar:v1",
        "--output", "docker-archive:out/docker.tar:zstd-it:v1"));
    OciLayoutReader layout = new OciLayoutReader(project.resolve("out/layout"));
    JsonNode manifest = layout.manifest(null);
    assertEquals(1, manifest.get("layers").size(), manifest.toString());
    JsonNode layer = manifest.get("layers").get(0);
    assertEquals("application/vnd.oci.image.layer.v1.tar+zstd", layer.get("mediaType").asText());
    try (InputStream in = Files.newInputStream(layout.blob(layer.get("digest").asText()))) {
      assertArrayEquals(ZSTD_MAGIC, in.readNBytes(4));
    }
    zstdDiffIds = diffIds(layout.config(manifest));
  }

  @Test
  @Order(2)
  void realToolsReadTheZstdImage() throws Exception {
    Requirements.requireTools("skopeo", "podman");
    JsonNode inspect = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
        Tools.ok(project, "skopeo", "inspect", "oci:out/layout:v1"));
    assertEquals(1, inspect.get("Layers").size(), inspect.toString());
    // podman reads the zstd blob itself from the layout; docker-archive carries the layer as a plain tar
    String fromLayout = Tools.ok(project, "podman", "pull", "-q", "oci:" + project.resolve("out/layout") + ":v1").strip();
    assertLayerTar(fromLayout);
    assertLayerTar(loaded(Tools.ok(project, "podman", "load", "-i", "out/docker.tar")));
  }

  /** podman holds the image with the layer's tar (both give the same image: remove it before the next). */
  private static void assertLayerTar(String image) throws Exception {
    try {
      String diffIds = Tools.ok(project, "podman", "image", "inspect", "--format", "{{json .RootFS.Layers}}", image);
      assertTrue(diffIds.contains(zstdDiffIds.get(0)), image + " holds the layer's tar: " + diffIds);
    } finally {
      Tools.run(project, "podman", "rmi", "-f", image);
    }
  }

  private static String loaded(String output) {
    return output.lines().filter(l -> l.startsWith("Loaded image")).findFirst()
        .orElseThrow(() -> new AssertionError(output)).replaceAll(".*: ", "").trim();
  }

  @Test
  @Order(3)
  void auditReadsTheZstdLayer() throws Exception {
    Sealbuild.Result r = ok(sealbuild.run("audit", "oci:out/layout:v1", "."));
    assertTrue(r.stdout().contains("/app/lib/big.txt"), r.stdout());
  }

  @Test
  @Order(4)
  void switchingToGzipKeepsTheLockAndTheTarButNotTheBlob() throws Exception {
    Files.writeString(project.resolve("build.yaml"), SPEC.formatted("gzip"));
    ok(sealbuild.run("lock", "--check"));
    ok(sealbuild.run("image", "--output", "oci:out/gzip:v1"));
    OciLayoutReader layout = new OciLayoutReader(project.resolve("out/gzip"));
    JsonNode manifest = layout.manifest(null);
    assertEquals("application/vnd.oci.image.layer.v1.tar+gzip", manifest.get("layers").get(0).get("mediaType").asText());
    assertEquals(zstdDiffIds, diffIds(layout.config(manifest)));
    assertNotEquals(new OciLayoutReader(project.resolve("out/layout")).manifest(null).get("layers").get(0).get("digest"),
        manifest.get("layers").get(0).get("digest"));
  }

  private static List<String> diffIds(JsonNode config) {
    List<String> ids = new ArrayList<>();
    config.get("rootfs").get("diff_ids").forEach(d -> ids.add(d.asText()));
    return ids;
  }
}

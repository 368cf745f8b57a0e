package dev.sealbuild.builder.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.oci.ImageConfig;
import dev.sealbuild.lockfiles.spec.ImageConfigSpec;
import dev.sealbuild.formats.oci.Platform;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The spec's config over a base image's, key by key, as docs/spec.md "Config inheritance" says. */
class ConfigInheritanceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Sha256 BASE_LAYER = Sha256.hash(new byte[] {1});
  private static final Sha256 ADDED_LAYER = Sha256.hash(new byte[] {2});

  private static ImageConfig base() throws Exception {
    return ImageConfig.parse("""
        {"architecture":"amd64","os":"linux",
         "config":{"Env":["PATH=/usr/bin:/bin","LANG=C","TZ=UTC"],"Cmd":["/bin/sh"],"Entrypoint":["/init"],
                   "WorkingDir":"/","Labels":{"a":"base","b":"base"},"ExposedPorts":{"80/tcp":{}},
                   "Volumes":{"/data":{}},"User":"0"},
         "rootfs":{"type":"layers","diff_ids":["%s"]},
         "history":[{"created":"2024-01-01T00:00:00Z","created_by":"ADD rootfs"}]}
        """.formatted(BASE_LAYER).getBytes(java.nio.charset.StandardCharsets.UTF_8), "base config");
  }

  private static JsonNode build(ImageConfigSpec spec) throws Exception {
    ImageConfig doc = ImageConfigDocument.build(spec, base(), Platform.LINUX_AMD64, List.of(BASE_LAYER, ADDED_LAYER),
        List.of("sealbuild: copy[0]"), 0);
    return JSON.readTree(doc.toBytes());
  }

  @Test
  void specOverridesKeyByKeyAndKeepsTheRest() throws Exception {
    JsonNode config = build(new ImageConfigSpec(null, List.of("serve"), Map.of("LANG", "C.UTF-8", "APP", "1"), "/srv", null,
        Map.of("b", "spec", "c", "spec"), List.of("8080"), null)).get("config");
    assertEquals("[\"PATH=/usr/bin:/bin\",\"LANG=C.UTF-8\",\"TZ=UTC\",\"APP=1\"]", config.get("Env").toString());
    assertEquals("[\"/init\"]", config.get("Entrypoint").toString(), "kept");
    assertEquals("[\"serve\"]", config.get("Cmd").toString(), "replaced");
    assertEquals("/srv", config.get("WorkingDir").asText());
    assertEquals("0", config.get("User").asText(), "kept");
    assertEquals("{\"a\":\"base\",\"b\":\"spec\",\"c\":\"spec\"}", config.get("Labels").toString());
    assertEquals("{\"80/tcp\":{},\"8080/tcp\":{}}", config.get("ExposedPorts").toString());
    assertEquals("{\"/data\":{}}", config.get("Volumes").toString(), "keys the spec cannot set are kept");
  }

  @Test
  void aNewEntrypointWithoutCmdDropsTheBaseCmdAsDockerDoes() throws Exception {
    JsonNode config = build(new ImageConfigSpec(List.of("/app"), null, null, null, null, null, null, null)).get("config");
    assertEquals("[\"/app\"]", config.get("Entrypoint").toString());
    assertFalse(config.has("Cmd"), config.toString());
  }

  @Test
  void historyAndDiffIdsAreTheBasesFollowedByTheAddedLayers() throws Exception {
    JsonNode doc = build(ImageConfigSpec.EMPTY);
    assertEquals(2, doc.get("history").size());
    assertEquals("ADD rootfs", doc.get("history").get(0).get("created_by").asText());
    assertEquals("2024-01-01T00:00:00Z", doc.get("history").get(0).get("created").asText(), "the base's history is kept as it is");
    assertEquals("sealbuild: copy[0]", doc.get("history").get(1).get("created_by").asText());
    assertEquals(List.of(BASE_LAYER.toString(), ADDED_LAYER.toString()),
        List.of(doc.get("rootfs").get("diff_ids").get(0).asText(), doc.get("rootfs").get("diff_ids").get(1).asText()));
    assertEquals("[\"/bin/sh\"]", doc.get("config").get("Cmd").toString(), "an empty spec config inherits everything");
  }

  @Test
  void volumesAddUpHealthcheckAndShellReplaceTheBases() throws Exception {
    ImageConfigSpec spec = new ImageConfigSpec(null, null, null, null, null, null, null, null, List.of("/var/lib/db"),
        new dev.sealbuild.lockfiles.spec.HealthcheckSpec(List.of("CMD-SHELL", "curl -f http://localhost/ || exit 1"), "1m30s", "5s",
            null, null, 3),
        List.of("/bin/bash", "-c"));
    JsonNode config = build(spec).get("config");
    assertEquals("{\"/data\":{},\"/var/lib/db\":{}}", config.get("Volumes").toString());
    assertEquals("{\"Interval\":90000000000,\"Retries\":3,\"Test\":[\"CMD-SHELL\",\"curl -f http://localhost/ || exit 1\"],"
        + "\"Timeout\":5000000000}", config.get("Healthcheck").toString(), "Docker's form: nanoseconds, unset durations left out");
    assertEquals("[\"/bin/bash\",\"-c\"]", config.get("Shell").toString());
    JsonNode alone = JSON.readTree(ImageConfigDocument.build(spec, Platform.LINUX_AMD64, List.of(ADDED_LAYER), List.of("x"), 0).toBytes());
    assertEquals("{\"/var/lib/db\":{}}", alone.get("config").get("Volumes").toString());
  }
}

package dev.sealbuild.cli.it;

import static dev.sealbuild.cli.it.Sealbuild.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealbuild.testsupport.Requirements;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * samples/python-app with a wheel the test builds and serves on 127.0.0.1 (PyPI is out of reach here): lock, prep,
 * then pip installs the wheel in a step with no network, from pip's own wheel (a Debian package in a stage); the image
 * runs the app under podman, and neither wheel reaches any layer.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PythonAppIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String WHEEL = "six-1.16.0-py2.py3-none-any.whl";

  @TempDir static Path work;
  static Path project;
  static LocalHttpServer server;
  static String digest;

  @BeforeAll
  static void build() throws Exception {
    Requirements.requireTools("runc", "unshare");
    Requirements.require(Files.isRegularFile(Path.of("/usr/share/keyrings/debian-archive-keyring.gpg")),
        "/usr/share/keyrings/debian-archive-keyring.gpg is missing (apt-get install debian-archive-keyring)");
    Path wheels = Files.createDirectories(work.resolve("wheels"));
    writeWheel(wheels.resolve(WHEEL));
    server = new LocalHttpServer(wheels);
    project = work.resolve("python-app");
    DeterminismIT.copyTree(Sealbuild.ROOT.resolve("samples/python-app"), project);
    assertFalse(Files.exists(project.resolve("build.lock.json")), "the sample ships without a lock (PyPI is unreachable)");
    ok(sealbuild().run("lock"));
    ok(sealbuild().run("lock", "--check"));
    ok(sealbuild().run("prep"));
    digest = ok(sealbuild().run("image", "--output", "oci:out/img:latest", "--provenance", "provenance.json")).lastLine();
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  static Sealbuild sealbuild() {
    return new Sealbuild(project).env("SEALBUILD_CACHE", work.resolve("cache").toString())
        .env("WHEEL_BASE", "http://127.0.0.1:" + server.port());
  }

  /**
   * A real wheel of a module {@code six} (the sample's dependency, same file name): the module, and the .dist-info pip
   * reads (METADATA, WHEEL, RECORD with every file's urlsafe-base64 sha256).
   */
  static void writeWheel(Path to) throws Exception {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("six.py", """
        __version__ = "1.16.0"


        def ensure_str(s, encoding="utf-8", errors="strict"):
            text = s.decode(encoding, errors) if isinstance(s, bytes) else s
            return text + " from the test's wheel"
        """);
    files.put("six-1.16.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: six\nVersion: 1.16.0\nSummary: test wheel\n");
    files.put("six-1.16.0.dist-info/WHEEL",
        "Wheel-Version: 1.0\nGenerator: sealbuild-tests\nRoot-Is-Purelib: true\nTag: py2-none-any\nTag: py3-none-any\n");
    files.put("six-1.16.0.dist-info/top_level.txt", "six\n");
    StringBuilder record = new StringBuilder();
    for (Map.Entry<String, String> f : files.entrySet()) {
      byte[] bytes = f.getValue().getBytes(StandardCharsets.UTF_8);
      String hash = Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256").digest(bytes));
      record.append(f.getKey()).append(",sha256=").append(hash).append(',').append(bytes.length).append('\n');
    }
    record.append("six-1.16.0.dist-info/RECORD,,\n");
    files.put("six-1.16.0.dist-info/RECORD", record.toString());
    try (OutputStream out = Files.newOutputStream(to); ZipOutputStream zip = new ZipOutputStream(out)) {
      for (Map.Entry<String, String> f : files.entrySet()) {
        ZipEntry entry = new ZipEntry(f.getKey());
        entry.setTime(315532800000L);
        zip.putNextEntry(entry);
        zip.write(f.getValue().getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
      }
    }
  }

  private static List<Map<String, OciLayoutReader.Entry>> layers(String layout) throws Exception {
    OciLayoutReader reader = new OciLayoutReader(project.resolve(layout));
    return reader.layers(reader.manifest(null));
  }

  @Test
  @Order(1)
  void theAppRunsWithNoNetworkAndPrintsWhatItsDependencyReturns() throws Exception {
    Requirements.requireTools("podman");
    Tools.Output run = Tools.podmanRun(work, "oci:" + project.resolve("out/img") + ":latest");
    assertEquals(0, run.exit(), run.stdout() + run.stderr());
    assertEquals("python-app: six 1.16.0 says hello from the test's wheel\n", run.stdout());
  }

  @Test
  @Order(2)
  void pipInstalledThePackageAndNoWheelReachedAnyLayer() throws Exception {
    Map<String, OciLayoutReader.Entry> all = new LinkedHashMap<>();
    List<String> leftovers = new ArrayList<>();
    for (Map<String, OciLayoutReader.Entry> layer : layers("out/img")) {
      for (Map.Entry<String, OciLayoutReader.Entry> e : layer.entrySet()) {
        String name = e.getKey();
        all.put(name, e.getValue());
        if (name.endsWith(".whl") || name.endsWith(".whl/") || name.startsWith("tmp/pip") || name.startsWith("tmp/wheels")
            || name.contains("__pycache__") || name.startsWith("usr/share/python-wheels")) {
          leftovers.add(name);
        }
      }
    }
    assertEquals(List.of(), leftovers, "temporary inputs (wheels, pip) or byte code in a layer");
    for (String path : List.of("opt/app/lib/six.py", "opt/app/lib/six-1.16.0.dist-info/METADATA",
        "opt/app/lib/six-1.16.0.dist-info/INSTALLER", "opt/app/lib/six-1.16.0.dist-info/RECORD", "opt/app/main.py")) {
      assertNotNull(all.get(path), path + " is not in the image");
    }
    Requirements.requireTools("umoci");
    Tools.ok(work, "umoci", "raw", "unpack", "--image", project.resolve("out/img") + ":latest", work.resolve("rootfs").toString());
    Path lib = work.resolve("rootfs/opt/app/lib");
    assertEquals("pip\n", Files.readString(lib.resolve("six-1.16.0.dist-info/INSTALLER")), "installed by pip");
    assertTrue(Files.readString(lib.resolve("six-1.16.0.dist-info/RECORD")).contains("six.py,sha256="));
    JsonNode config = new OciLayoutReader(project.resolve("out/img")).config(new OciLayoutReader(project.resolve("out/img")).manifest(null));
    List<String> env = new ArrayList<>();
    config.get("config").get("Env").forEach(v -> env.add(v.asText()));
    assertTrue(env.contains("PYTHONPATH=/opt/app/lib"), env.toString());
  }

  @Test
  @Order(3)
  void theProvenanceListsTheWheelAsATemporaryInput() throws Exception {
    JsonNode provenance = JSON.readTree(project.resolve("provenance.json").toFile());
    JsonNode wheel = null;
    for (JsonNode d : provenance.get("predicate").get("buildDefinition").get("resolvedDependencies")) {
      if (d.path("uri").asText().endsWith("/" + WHEEL)) {
        wheel = d;
      }
    }
    assertNotNull(wheel, "no resolved dependency for the wheel:\n" + provenance.toPrettyString());
    assertEquals("true", wheel.get("annotations").get("temporary").asText(), wheel.toString());
    assertEquals(OciLayoutReader.sha256(work.resolve("wheels").resolve(WHEEL)), wheel.get("digest").get("sha256").asText());
  }

  @Test
  @Order(4)
  void installingAgainGivesTheSameDigestWithoutTheNetwork() throws Exception {
    server.clearRequests();
    Sealbuild.Result again = ok(sealbuild().run("image", "--no-layer-cache", "--output", "oci:out/again:latest"));
    assertTrue(again.stderr().contains("Successfully installed six-1.16.0"), "pip ran again:\n" + again.stderr());
    assertEquals(digest, again.lastLine(), "pip's install is the same bytes: the same image");
    assertEquals(List.of(), server.requests(), "build image fetched nothing");
  }
}

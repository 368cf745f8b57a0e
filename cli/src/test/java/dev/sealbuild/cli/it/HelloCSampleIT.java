package dev.sealbuild.cli.it;

import static dev.sealbuild.cli.it.Sealbuild.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealbuild.testsupport.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * samples/hello-c as a newcomer runs it: the committed lock is current, prep from the Debian mirror in this host's apt
 * sources, then an offline image where Debian's gcc compiles the program in a build stage; the image holds libc6 and
 * the binary, nothing of the compiler, runs under podman with no network, and builds to the same digest again.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HelloCSampleIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Base names of the compiler's programs: none may be in the image, under any directory. */
  private static final Set<String> COMPILER_PROGRAMS = Set.of("gcc", "gcc-12", "x86_64-linux-gnu-gcc-12", "cc", "cc1",
      "cpp", "as", "ld", "ld.bfd", "collect2", "x86_64-linux-gnu-as", "x86_64-linux-gnu-ld", "x86_64-linux-gnu-ld.bfd");

  @TempDir static Path work;
  static Path project;
  static String digest;

  @BeforeAll
  static void build() throws Exception {
    Requirements.requireTools("runc", "unshare");
    Requirements.require(Files.isRegularFile(Path.of("/usr/share/keyrings/debian-archive-keyring.gpg")),
        "/usr/share/keyrings/debian-archive-keyring.gpg is missing (apt-get install debian-archive-keyring)");
    project = work.resolve("hello-c");
    DeterminismIT.copyTree(Sealbuild.ROOT.resolve("samples/hello-c"), project);
    ok(sealbuild().run("lock", "--check"));
    ok(sealbuild().run("prep"));
    digest = ok(sealbuild().run("image", "--output", "oci:out/img:latest")).lastLine();
  }

  static Sealbuild sealbuild() {
    return new Sealbuild(project).env("SEALBUILD_CACHE", work.resolve("cache").toString());
  }

  /** Every path of every layer of the image, without the leading slash, mapped to its entry in the top-most layer. */
  private static Map<String, OciLayoutReader.Entry> files(String layout) throws Exception {
    OciLayoutReader reader = new OciLayoutReader(project.resolve(layout));
    Map<String, OciLayoutReader.Entry> all = new HashMap<>();
    for (Map<String, OciLayoutReader.Entry> layer : reader.layers(reader.manifest(null))) {
      layer.forEach((name, entry) -> all.put(name.replaceAll("/$", ""), entry));
    }
    return all;
  }

  @Test
  @Order(1)
  void theImageHoldsTheBinaryAndLibcAndNothingOfTheCompiler() throws Exception {
    Map<String, OciLayoutReader.Entry> files = files("out/img");
    OciLayoutReader.Entry hello = files.get("usr/local/bin/hello");
    assertNotNull(hello, "the compiled program is in the image");
    assertEquals('f', hello.type());
    assertTrue((hello.mode() & 0111) != 0, "executable: " + Integer.toOctalString(hello.mode()));
    assertNotNull(files.get("lib/x86_64-linux-gnu/libc.so.6"), "libc6's files are in the image");
    assertNotNull(files.get("lib64/ld-linux-x86-64.so.2"), "the dynamic loader is in the image");
    List<String> compiler = new ArrayList<>();
    for (String name : files.keySet()) {
      String base = name.substring(name.lastIndexOf('/') + 1);
      if (COMPILER_PROGRAMS.contains(base) || name.startsWith("usr/include") || name.startsWith("usr/lib/gcc")
          || name.startsWith("usr/libexec/gcc") || name.equals("src") || name.startsWith("src/")
          || name.endsWith("/libc.so") || name.endsWith(".a") || name.endsWith("libbfd-2.40-system.so")) {
        compiler.add(name);
      }
    }
    assertEquals(List.of(), compiler, "nothing of the build stage's compiler, headers or sources reaches the image");
    assertFalse(files.containsKey("usr/include/stdio.h"));
  }

  @Test
  @Order(2)
  void itRunsUnderPodmanWithNoNetwork() throws Exception {
    Requirements.requireTools("podman");
    Tools.Output run = Tools.podmanRun(work, "oci:" + project.resolve("out/img") + ":latest");
    assertEquals(0, run.exit(), run.stdout() + run.stderr());
    assertEquals("hello from /usr/local/bin/hello, compiled offline by sealbuild\n", run.stdout());
  }

  @Test
  @Order(3)
  void compilingAgainFromScratchGivesTheSameDigest() throws Exception {
    Sealbuild.Result again = ok(sealbuild().run("image", "--no-layer-cache", "--output", "oci:out/again:latest"));
    assertTrue(again.stderr().contains("run step 1 of stage build"), "the compiler ran again:\n" + again.stderr());
    assertEquals(digest, again.lastLine(), "gcc's output is the same bytes: the same image");
  }

  @Test
  @Order(4)
  void auditNamesTheStepAndTheSbomListsLibcButNotTheCompiler() throws Exception {
    Sealbuild.Result audit = sealbuild().run("audit", "oci:out/img:latest", "--json");
    assertEquals(0, audit.exit(), audit.toString());
    JsonNode report = JSON.readTree(audit.stdout());
    assertEquals(0, report.get("unaccounted").asInt(), audit.stdout());
    Map<String, JsonNode> origins = new HashMap<>();
    report.get("files").forEach(f -> origins.put(f.get("path").asText(), f.get("origin")));
    JsonNode hello = origins.get("/usr/local/bin/hello");
    assertEquals("step", hello.get("kind").asText(), hello.toString());
    assertTrue(hello.get("description").asText().contains("run step 1 of stage build (gcc -O2"), hello.toString());
    assertEquals("package", origins.get("/lib/x86_64-linux-gnu/libc.so.6").get("kind").asText());

    JsonNode sbom = JSON.readTree(ok(sealbuild().run("sbom")).stdout());
    List<String> packages = new ArrayList<>();
    sbom.get("packages").forEach(p -> packages.add(p.get("name").asText()));
    assertTrue(packages.contains("libc6"), packages.toString());
    for (String tool : List.of("gcc", "gcc-12", "cpp", "cpp-12", "binutils", "libc6-dev", "dash")) {
      assertFalse(packages.contains(tool), tool + " is a build stage's package, not the image's: " + packages);
    }
  }
}

package dev.sealbuild.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.testsupport.registry.LocalRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code build push}, run in-process against a local registry. */
class PushCommandTest {
  @TempDir Path work;

  @Test
  void pushKeepsTheBuiltDigest() throws Exception {
    LocalRegistry.requireTools();
    try (TestProject project = new TestProject(work).prepared();
        LocalRegistry registry = LocalRegistry.start(Files.createDirectories(work.resolve("registry")), null)) {
      String digest = project.build().run("image", "project", "--network-isolation", "off", "-o", "oci:out/layout:latest").ok()
          .lastLine();
      InProcess.Result push = project.build().run("push", "oci:out/layout:latest", "docker://" + registry.host() + "/hello:1").ok();
      assertEquals(digest, push.lastLine());
      assertTrue(push.err().startsWith("push: oci:"), push.err());
      assertTrue(push.err().contains("pushed " + registry.host() + "/hello:1"), push.err());
      InProcess.Result again = project.build().run("push", "oci:out/layout:latest", "docker://" + registry.host() + "/hello:1").ok();
      assertTrue(again.err().contains("0 blobs uploaded"), again.err());
    }
  }

  @Test
  void aBadDestinationIsOneLine() throws Exception {
    InProcess.Result r = new InProcess(work).run("push", "oci:out/layout", "registry.example/hello:1");
    assertEquals(1, r.exit(), r.toString());
    assertTrue(r.err().startsWith("error: ") && r.err().contains("docker://"), r.err());
    assertEquals(1, r.err().lines().count(), r.err());
  }
}

package dev.sealbuild.cli.it;

import static dev.sealbuild.cli.it.Sealbuild.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealbuild.testsupport.Requirements;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The image phase runs with the network off for real: a connection attempt made during it fails. */
class NetworkIsolationIT {
  @TempDir Path project;

  @Test
  void connectionAttemptDuringImagePhaseFails() throws Exception {
    Requirements.requireTools("unshare");
    Files.writeString(project.resolve("build.yaml"), "name: isolated\ncopy: [{src: a.txt, dest: /a.txt}]\n");
    Files.writeString(project.resolve("a.txt"), "a\n");
    ok(new Sealbuild(project).run("lock"));

    AtomicInteger accepted = new AtomicInteger();
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread acceptor = new Thread(() -> {
        while (!server.isClosed()) {
          try (Socket s = server.accept()) {
            accepted.incrementAndGet();
          } catch (Exception e) {
            return;
          }
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      String probe = "127.0.0.1:" + server.getLocalPort();

      Sealbuild.Result isolated = ok(new Sealbuild(project).env("SEALBUILD_ISOLATION_PROBE", probe)
          .run("image", "--network-isolation=require", "--output", "oci:out/isolated"));
      assertTrue(isolated.stderr().contains("network: isolated"), isolated.stderr());
      assertTrue(isolated.stderr().contains("isolation probe: connection to " + probe + " failed"), isolated.stderr());
      assertEquals(0, accepted.get(), "nothing reached the host from inside the image phase");
      var index = new ObjectMapper().readTree(project.resolve("out/isolated/index.json").toFile());
      assertEquals("isolated", index.get("manifests").get(0).get("annotations").get("dev.sealbuild.network").asText());

      // The same probe without isolation does connect: the test above can fail.
      Sealbuild.Result open = ok(new Sealbuild(project).env("SEALBUILD_ISOLATION_PROBE", probe)
          .run("image", "--network-isolation=off", "--output", "oci:out/open"));
      assertTrue(open.stderr().contains("isolation probe: connected to " + probe), open.stderr());
      for (int i = 0; i < 50 && accepted.get() == 0; i++) {
        Thread.sleep(20);
      }
      assertEquals(1, accepted.get());
      assertEquals(isolated.lastLine(), open.lastLine(), "isolation does not change the image");
    }
  }
}

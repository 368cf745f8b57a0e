package dev.sealbuild.cli.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs real peer tools (skopeo, umoci, podman...); tests require them with {@code Requirements.requireTools}. */
final class Tools {
  private Tools() {}

  record Output(int exit, String stdout, String stderr) {}

  static Output run(Path dir, String... command) throws IOException, InterruptedException {
    Path out = Files.createTempFile("tool-out", ".txt");
    Path err = Files.createTempFile("tool-err", ".txt");
    try {
      Process p = new ProcessBuilder(command).directory(dir.toFile())
          .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " timed out");
      }
      return new Output(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  static String ok(Path dir, String... command) throws IOException, InterruptedException {
    Output o = run(dir, command);
    if (o.exit() != 0) {
      throw new AssertionError(String.join(" ", command) + " failed (" + o.exit() + "):\n" + o.stdout() + o.stderr());
    }
    return o.stdout();
  }

  /**
   * Runs an image the way the tests check images run: {@code podman run --rm --network=none} with runc and the lower
   * limits these hosts need (see ../shared/peers.md).
   */
  static Output podmanRun(Path dir, String image) throws IOException, InterruptedException {
    return run(dir, "podman", "run", "--rm", "--network=none", "--runtime", "runc",
        "--ulimit", "nofile=20000:20000", "--ulimit", "nproc=32768:32768", image);
  }

  static List<String> cmd(String... parts) {
    return new ArrayList<>(List.of(parts));
  }
}

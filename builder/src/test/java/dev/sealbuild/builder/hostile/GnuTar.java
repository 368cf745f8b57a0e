package dev.sealbuild.builder.hostile;

import dev.sealbuild.testsupport.Requirements;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** GNU tar as the reference reader: what `tar -tf -` lists for an archive, when tar is installed. */
final class GnuTar {
  private GnuTar() {
  }

  static List<String> list(byte[] archive) throws IOException, InterruptedException {
    Path tar = Path.of("/usr/bin/tar");
    Requirements.require(Files.isExecutable(tar), "GNU tar is not installed (apt-get install tar)");
    Process p = new ProcessBuilder(tar.toString(), "--quoting-style=literal", "-tf", "-")
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(archive);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    Assumptions.assumeTrue(p.waitFor(30, TimeUnit.SECONDS), "GNU tar did not finish");
    return out.isEmpty() ? List.of() : List.of(out.split("\n"));
  }
}

package dev.sealbuild.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/cli.md: several outputs are written all or none. */
class ImageOutputsTest {
  @TempDir Path work;

  private static String lastLine(String text) {
    List<String> lines = text.lines().toList();
    return lines.get(lines.size() - 1);
  }

  private static List<String> namesIn(Path dir) throws Exception {
    try (var s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void anOutputThatCannotBeWrittenStopsTheBuildBeforeAnyIsWritten() throws Exception {
    try (TestProject project = new TestProject(work, "linux/amd64", "linux/arm64").prepared()) {
      Files.createDirectories(work.resolve("out"));
      InProcess.Result image = project.build().run("image", "project", "--network-isolation", "off",
          "-o", "oci:out/layout", "-o", "oci-archive:out/hello.tar", "-o", "docker-archive:out/docker.tar");
      assertEquals(1, image.exit(), image.toString());
      assertEquals("error: docker-archive holds one platform and this image has [linux/amd64, linux/arm64]; choose one with --platform",
          lastLine(image.err()));
      assertEquals(1, image.err().lines().filter(l -> l.startsWith("error")).count(), image.err());
      assertEquals("", image.out());
      assertEquals(List.of(), namesIn(work.resolve("out")), "nothing written, no staging left");
    }
  }

  @Test
  void aWriteThatFailsMidwayPutsBackWhatWasThere() throws Exception {
    try (TestProject project = new TestProject(work).prepared()) {
      Path out = Files.createDirectories(work.resolve("out"));
      Files.writeString(out.resolve("hello.tar"), "the previous build");
      Files.writeString(work.resolve("blocker"), "a file where a directory should be");
      InProcess.Result image = project.build().run("image", "project", "--network-isolation", "off",
          "-o", "oci:out/layout", "-o", "oci-archive:out/hello.tar", "-o", "docker-archive:blocker/docker.tar");
      assertEquals(1, image.exit(), image.toString());
      assertTrue(lastLine(image.err()).startsWith("error: ") && lastLine(image.err()).contains("blocker"), image.err());
      assertEquals(1, image.err().lines().filter(l -> l.startsWith("error")).count(), image.err());
      assertEquals("the previous build", Files.readString(out.resolve("hello.tar")), "the earlier output is restored");
      assertEquals(List.of("hello.tar"), namesIn(out), "the new oci: layout is removed, no copy or staging left");
    }
  }

  @Test
  void aSuccessfulBuildReplacesEveryOutputAndKeepsNoCopies() throws Exception {
    try (TestProject project = new TestProject(work).prepared()) {
      Path out = Files.createDirectories(work.resolve("out"));
      Files.writeString(out.resolve("hello.tar"), "the previous build");
      project.build().run("image", "project", "--network-isolation", "off", "-o", "oci:out/layout", "-o", "oci-archive:out/hello.tar",
          "-o", "docker-archive:out/docker.tar").ok();
      assertFalse(Files.readString(out.resolve("hello.tar"), java.nio.charset.StandardCharsets.ISO_8859_1).equals("the previous build"));
      assertEquals(List.of("docker.tar", "hello.tar", "layout"), namesIn(out));
    }
  }
}

package dev.sealbuild.lockfiles.dockerfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sealbuild.formats.UserError;
import dev.sealbuild.formats.dockerfile.DockerIgnore;
import dev.sealbuild.formats.dockerfile.DockerfileParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The Dockerfile corpus in bench/dockerfiles (real-world idioms, one directory per case) read as specs: each case
 * converts, needs the user, or fails with the error its {@code expected} file names; every message a user sees is one
 * line of words. bench/dockerfile-corpus.sh runs the same cases through the CLI and builds the ones it can.
 */
class DockerfileCorpusTest {
  private static final Path CORPUS = Path.of("..", "bench", "dockerfiles").toAbsolutePath().normalize();
  /** The same check as builder's ErrorTextSweepTest: a Java package-qualified name, an exception class, a bare null. */
  private static final Pattern JAVA_SPEAK = Pattern.compile("java\\.|[a-z]+\\.[a-z]+\\.[A-Z]\\w+|\\b\\w+(Exception|Error)\\b|\\bnull\\b");


  private static List<Path> cases() throws IOException {
    try (Stream<Path> dirs = Files.list(CORPUS)) {
      return dirs.filter(d -> Files.isRegularFile(d.resolve("Dockerfile"))).sorted().toList();
    }
  }

  @Test
  void theCorpusHasAtLeastTwentyFourCasesEachWithAnExpectation() throws IOException {
    List<Path> cases = cases();
    assertTrue(cases.size() >= 24, "bench/dockerfiles has " + cases.size() + " cases");
    for (Path c : cases) {
      assertTrue(Files.isRegularFile(c.resolve("expected")), c + " has no expected file");
    }
  }

  @TestFactory
  Stream<DynamicTest> everyCaseTranslatesAsExpected() throws IOException {
    return cases().stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> check(dir)));
  }

  private static void check(Path dir) throws IOException {
    String expected = Files.readString(dir.resolve("expected"), StandardCharsets.UTF_8).strip();
    Translation translation;
    try {
      translation = translate(dir);
    } catch (UserError e) {
      assertOneLineOfWords(dir, e.getMessage());
      if (!expected.startsWith("error: ")) {
        fail(dir.getFileName() + ": expected " + expected + ", got the error: " + e.getMessage());
      }
      String want = expected.substring("error: ".length());
      assertTrue(e.getMessage().contains(want), dir.getFileName() + ": the error '" + e.getMessage() + "' does not say '" + want + "'");
      assertTrue(e.getMessage().startsWith("Dockerfile:"), "the error names the file and line: " + e.getMessage());
      return;
    }
    for (ReportEntry entry : translation.report()) {
      assertOneLineOfWords(dir, entry.render("Dockerfile"));
    }
    assertFalse(expected.startsWith("error: "), dir.getFileName() + ": expected " + expected + ", but it translates");
    assertEquals(expected, translation.needsUser() ? "needs-you" : "converts", dir.getFileName() + ": "
        + String.join("\n", translation.report().stream().map(e -> e.render("Dockerfile")).toList()));
  }

  private static Translation translate(Path dir) throws IOException {
    Path ignoreFile = dir.resolve(".dockerignore");
    DockerIgnore ignore = Files.isRegularFile(ignoreFile) ? DockerIgnore.parse(Files.readString(ignoreFile)) : DockerIgnore.none();
    String text = Files.readString(dir.resolve("Dockerfile"), StandardCharsets.UTF_8);
    return new DockerfileTranslator(new TranslationOptions(dir.getFileName().toString(), null, null, dir, ignore))
        .translate(DockerfileParser.parse(text, "Dockerfile"));
  }

  private static void assertOneLineOfWords(Path dir, String message) {
    assertTrue(message != null && !message.isBlank(), dir.getFileName() + ": an empty message");
    assertFalse(message.contains("\n"), dir.getFileName() + ": more than one line: " + message);
    assertFalse(JAVA_SPEAK.matcher(message).find(), dir.getFileName() + ": speaks Java: " + message);
  }
}

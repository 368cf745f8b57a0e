package dev.sealbuild.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.formats.UserError;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Command;

/** How {@link Main} reports failures: user errors, host I/O errors and internal errors, each as one line. */
class MainErrorsTest {
  @TempDir Path work;

  /** A command that fails with whatever it is given. */
  @Command(name = "fail")
  static final class Failing implements Callable<Integer> {
    private final Exception failure;

    Failing(Exception failure) {
      this.failure = failure;
    }

    @Override
    public Integer call() throws Exception {
      throw failure;
    }
  }

  @Test
  void aUserErrorIsOneLineWithItsHintAndExitCode() {
    InProcess.Result r = new InProcess(work).run(new Failing(new UserError("mirror x is dead", "pass --mirror", 3, null)));
    assertEquals(3, r.exit());
    assertEquals("error: mirror x is dead; pass --mirror\n", r.err());
    assertEquals("", r.out());
  }

  @Test
  void anErrorInUserInputThroughARealCommand() {
    InProcess.Result r = new InProcess(work).run("lock", "nowhere");
    assertEquals(1, r.exit(), r.toString());
    assertTrue(r.err().startsWith("error: ") && r.err().contains("nowhere"), r.err());
    assertEquals(1, r.err().lines().count(), r.err());
  }

  @Test
  void aHostIoErrorIsTheUsersToFix() throws Exception {
    InProcess.Result r = new InProcess(work).run(new Failing(new NoSuchFileException("/data/missing")));
    assertEquals(1, r.exit());
    assertEquals("error: no such file: /data/missing\n", r.err());
    try (TestProject project = new TestProject(work).prepared()) {
      InProcess.Result image = project.build().run("image", "project", "--network-isolation", "off", "-o", "oci:out/layout",
          "--digest-file", "no-such-dir/digest.txt");
      assertEquals(1, image.exit(), image.toString());
      List<String> lines = image.err().lines().toList();
      assertEquals("error: no such file: " + work.resolve("no-such-dir/digest.txt"), lines.get(lines.size() - 1));
    }
  }

  @Test
  void anythingElseIsAnInternalErrorThatSaysHowToGetTheStackTrace() {
    InProcess.Result r = new InProcess(work).run(new Failing(new IllegalStateException("the impossible happened")));
    assertEquals(Main.EXIT_INTERNAL_ERROR, r.exit());
    assertEquals(70, r.exit(), "EX_SOFTWARE, as docs/cli.md says");
    assertEquals("internal error (a bug in sealbuild, please report it): java.lang.IllegalStateException: the impossible happened;"
        + " rerun with SEALBUILD_DEBUG=1 for the stack trace\n", r.err());
  }

  @Test
  void withSealbuildDebugTheStackTraceFollows() {
    InProcess.Result r = new InProcess(work).env("SEALBUILD_DEBUG", "1").run(new Failing(new IllegalStateException("boom")));
    assertEquals(70, r.exit());
    List<String> lines = r.err().lines().toList();
    assertEquals("internal error (a bug in sealbuild, please report it): java.lang.IllegalStateException: boom", lines.get(0));
    assertEquals("java.lang.IllegalStateException: boom", lines.get(1));
    assertTrue(lines.get(2).trim().startsWith("at dev.sealbuild.cli.MainErrorsTest."), r.err());
  }

  @Test
  void aBadOptionIsAUsageErrorExitTwo() {
    InProcess.Result r = new InProcess(work).run("prep", "--no-such-option");
    assertEquals(2, r.exit());
    assertTrue(r.err().startsWith("error: Unknown option: '--no-such-option'"), r.err());
    assertTrue(r.err().contains("try: build prep --help"), r.err());
  }
}

package dev.sealbuild.cli.it;

import static dev.sealbuild.cli.it.Sealbuild.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad stages and temporaries at the command line: one error line naming the culprit, exit 1, no stack trace, and
 * nothing written (no lock, no output).
 */
class StepsBadInputIT {
  @TempDir Path project;

  private Sealbuild sealbuild() {
    return new Sealbuild(project).env("SEALBUILD_CACHE", project.resolve("cache").toString());
  }

  /** The one error line of a command that must fail. */
  private String fails(String... args) throws Exception {
    Sealbuild.Result r = sealbuild().run(args);
    assertEquals(1, r.exit(), r.toString());
    List<String> errors = r.stderr().lines().filter(l -> l.startsWith("error: ")).toList();
    assertEquals(1, errors.size(), r.toString());
    assertFalse(r.stderr().contains("\tat "), "no stack trace\n" + r);
    assertTrue(!Files.exists(project.resolve("out")) || isEmpty(project.resolve("out")), "nothing written to out/");
    return errors.get(0);
  }

  private static boolean isEmpty(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    }
  }

  private void spec(String yaml) throws Exception {
    Files.writeString(project.resolve("build.yaml"), yaml);
  }

  /** A spec error: {@code lock} refuses it without writing a lock, and so does {@code image}. */
  private String specError(String yaml) throws Exception {
    spec(yaml);
    String error = fails("lock");
    assertFalse(Files.exists(project.resolve("build.lock.json")), "no lock written");
    assertEquals(error, fails("image", "--output", "oci:out/img:latest"), "image reports the same error");
    Matcher line = Pattern.compile("build\\.yaml:(\\d+):").matcher(error);
    if (line.find()) {
      assertTrue(Integer.parseInt(line.group(1)) <= Files.readAllLines(project.resolve("build.yaml")).size(),
          "a line number past the end of the spec: " + error);
    }
    return error;
  }

  @Test
  void aFromPathMissingInTheStageNamesTheEntryThePathAndTheStage() throws Exception {
    Files.writeString(project.resolve("hello.txt"), "hello\n");
    spec("""
        name: missing
        stages:
          build:
            copy:
              - {src: hello.txt, dest: /out/hello.txt}
        copy:
          - {from: build, src: /out/hello.bin, dest: /usr/local/bin/hello}
        """);
    ok(sealbuild().run("lock"));
    ok(sealbuild().run("prep"));
    String error = fails("image", "--output", "oci:out/img:latest");
    assertTrue(error.contains("copy[0]") && error.contains("/out/hello.bin") && error.contains("stage 'build'"), error);
    assertFalse(Files.exists(project.resolve("out/img")));
  }

  @Test
  void anUnknownStageNamesTheDeclaredOnes() throws Exception {
    String error = specError("""
        name: unknown
        stages:
          build:
            copy: [{src: a.txt, dest: /a.txt}]
        copy:
          - {from: bild, src: /a.txt, dest: /a.txt}
        """);
    assertTrue(error.contains("copy[0] takes from stage 'bild', which is not declared (stages: build)"), error);
  }

  @Test
  void aCycleAmongStagesIsNamed() throws Exception {
    String error = specError("""
        name: cycle
        stages:
          compile:
            copy: [{from: test, src: /report, dest: /report}]
          test:
            copy: [{from: compile, src: /bin/app, dest: /bin/app}]
        copy:
          - {from: compile, src: /bin/app, dest: /bin/app}
        """);
    assertTrue(error.contains("stages compile -> test -> compile form a cycle"), error);
  }

  @Test
  void aStageTakingFromItselfIsACycle() throws Exception {
    String error = specError("""
        name: self
        stages:
          build:
            copy: [{from: build, src: /x, dest: /y}]
        copy:
          - {from: build, src: /y, dest: /y}
        """);
    assertTrue(error.contains("stages build -> build form a cycle"), error);
  }

  @Test
  void aTemporaryEntryWithoutStepsIsNamed() throws Exception {
    Files.writeString(project.resolve("data.txt"), "data\n");
    String image = specError("""
        name: temporary
        copy:
          - {src: data.txt, dest: /tmp/data.txt, temporary: true}
        """);
    assertTrue(image.contains("copy[0] (data.txt) is temporary but there are no run steps"), image);
    String stage = specError("""
        name: temporary
        stages:
          build:
            files:
              - {url: "https://files.example.invalid/six-1.16.0-py2.py3-none-any.whl", dest: /tmp/wheels/, temporary: true}
        copy:
          - {from: build, src: /tmp, dest: /tmp}
        """);
    assertTrue(stage.contains("stage 'build': files[0] (https://files.example.invalid/six-1.16.0-py2.py3-none-any.whl) "
        + "is temporary but there are no run steps"), stage);
  }
}

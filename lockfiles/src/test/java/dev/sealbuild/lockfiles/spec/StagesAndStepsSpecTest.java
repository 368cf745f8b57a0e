package dev.sealbuild.lockfiles.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.formats.oci.Platform;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code stages:}, {@code run:}, {@code temporary:} and {@code from:} in build.yaml (issue #12). */
class StagesAndStepsSpecTest {
  private static final String SHA = "ab".repeat(32);
  private final SpecReader reader = new SpecReader(Map.of("MODE", "release"));

  private BuildSpec parse(String yaml) {
    return reader.parse("build.yaml", yaml);
  }

  /** The one-line message, without the line number where the binder stopped (the end of a mapping). */
  private String error(String yaml) {
    SpecException e = assertThrows(SpecException.class, () -> parse(yaml));
    assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    return e.getMessage();
  }

  private String errorWithoutLine(String yaml) {
    return error(yaml).replaceFirst("^build\\.yaml:[0-9]+: ", "build.yaml: ");
  }

  static final String EXAMPLE = """
      name: hello
      platforms: [linux/amd64, linux/arm64]
      repositories:
        - {name: debian, type: debian, suite: bookworm}
      stages:                          # named build stages: built like the image, never published
        build:
          packages: [gcc, libc6-dev]
          copy:
            - {src: hello.c, dest: /src/hello.c}
          run:
            - cc -O2 -o /out/hello /src/hello.c
      packages: [libc6]
      files:
        - {url: https://example.com/data.tar.gz, sha256: "%s", dest: /tmp/data, extract: true, temporary: true}
      copy:
        - {from: build, src: /out/hello, dest: /usr/local/bin/hello}     # a path from another stage's result
      run:
        - /usr/local/bin/hello --index /tmp/data > /srv/index.txt
        - command: ["/usr/bin/env", "python3", "gen.py"]                  # argv form; a string runs under /bin/sh -c
          env: {MODE: "${MODE}"}
          workdir: /src
          user: "1000:1000"
          timeout: 600                 # seconds, default 1800
      """.formatted(SHA);

  @Test
  void readsTheIssuesExample() {
    BuildSpec spec = parse(EXAMPLE);
    assertEquals(List.of("build"), List.copyOf(spec.stages().keySet()));
    StageSpec build = spec.stages().get("build");
    assertEquals(List.of("gcc", "libc6-dev"), build.packages());
    assertEquals(List.of(RunStep.ofShell("cc -O2 -o /out/hello /src/hello.c")), build.run());
    assertTrue(build.repositories().isEmpty(), "declared none: inherits");

    assertTrue(spec.files().get(0).temporary());
    assertTrue(spec.files().get(0).extract());
    CopyEntry fromBuild = spec.copy().get(0);
    assertEquals("build", fromBuild.from());
    assertEquals("/out/hello", fromBuild.src());
    assertFalse(fromBuild.temporary());

    RunStep shell = spec.run().get(0);
    assertEquals("/usr/local/bin/hello --index /tmp/data > /srv/index.txt", shell.shell());
    assertNull(shell.command());
    assertEquals(List.of("/bin/sh", "-c", "/usr/local/bin/hello --index /tmp/data > /srv/index.txt"), shell.argv());
    assertEquals(RunStep.DEFAULT_TIMEOUT, shell.timeout());
    assertEquals(Map.of(), shell.env());

    RunStep argv = spec.run().get(1);
    assertNull(argv.shell());
    assertEquals(List.of("/usr/bin/env", "python3", "gen.py"), argv.argv());
    assertEquals("/usr/bin/env python3 gen.py", argv.display());
    assertEquals(Map.of("MODE", "release"), argv.env(), "variables expand in step values");
    assertEquals("/src", argv.workdir());
    assertEquals("1000:1000", argv.user());
    assertEquals(600, argv.timeout());
  }

  @Test
  void aStageViewIsASpecOfItsOwn() {
    BuildSpec spec = parse(EXAMPLE);
    BuildSpec build = spec.stage("build");
    assertEquals("hello-build", build.name());
    assertEquals(spec.repositories(), build.repositories(), "inherited");
    assertEquals(List.of("gcc", "libc6-dev"), build.packages());
    assertEquals(spec.platforms(), build.platforms());
    assertEquals(ImageConfigSpec.EMPTY, build.config());
    assertTrue(build.stages().isEmpty());
    assertEquals(spec.stages().get("build").run(), build.run());
    assertEquals(List.of(Platform.LINUX_AMD64, Platform.parse("linux/arm64")), build.platforms());
    assertThrows(IllegalArgumentException.class, () -> spec.stage("test"));
  }

  @Test
  void aStageWithItsOwnRepositoriesUsesThem() {
    BuildSpec spec = parse("""
        name: app
        stages:
          tools:
            repositories:
              - {name: alpine, type: alpine, url: "https://alpine.example.invalid/v3.20/main", keys: [k.pub]}
            packages: [busybox]
        repositories:
          - {name: debian, type: debian, suite: bookworm}
        packages: [libc6]
        """);
    assertEquals("alpine", spec.stage("tools").packageType());
    assertEquals("debian", spec.packageType());
  }

  @Test
  void shellFormInTheObjectFormAndDefaults() {
    BuildSpec spec = parse("""
        name: app
        run:
          - {command: "make install", user: nobody}
          - command: [/bin/true]
        """);
    assertEquals("make install", spec.run().get(0).shell());
    assertEquals(List.of("/bin/sh", "-c", "make install"), spec.run().get(0).argv());
    assertEquals("nobody", spec.run().get(0).user());
    assertEquals(List.of("/bin/true"), spec.run().get(1).command());
    assertEquals(RunStep.DEFAULT_TIMEOUT, spec.run().get(1).timeout());
  }

  @Test
  void stagesComeAfterTheStagesTheyTakeFrom() {
    BuildSpec spec = parse("""
        name: app
        stages:
          a-test:
            copy: [{from: z-build, src: /out/app, dest: /app}, {from: deps, src: /lib, dest: /lib}]
          deps: {}
          z-build:
            copy: [{from: deps, src: /lib, dest: /lib}]
          b-docs: {}
        copy: [{from: a-test, src: /app, dest: /app}]
        """);
    assertEquals(List.of("b-docs", "deps", "z-build", "a-test"), spec.stageOrder());
    assertEquals(List.of("a-test", "b-docs", "deps", "z-build"), List.copyOf(spec.stages().keySet()));
  }

  @Test
  void fromAnUndeclaredStageNamesIt() {
    assertEquals("build.yaml: copy[0] takes from stage 'bild', which is not declared (stages: build)", error("""
        name: app
        stages:
          build: {run: [make]}
        copy:
          - {from: bild, src: /out/hello, dest: /hello}
        """));
    assertEquals("build.yaml: stage 'test': copy[1] takes from stage 'bild', which is not declared (stages: build, test)", error("""
        name: app
        stages:
          build: {run: [make]}
          test:
            copy: [{src: a, dest: /a}, {from: bild, src: /out, dest: /out}]
        """));
    assertEquals("build.yaml: copy[0] takes from stage 'app', which is not declared (the spec declares no stages)", error("""
        name: app
        copy: [{from: app, src: /x, dest: /x}]
        """));
  }

  @Test
  void aCycleIsNamed() {
    assertEquals("build.yaml: stages build -> test -> build form a cycle", error("""
        name: app
        stages:
          build:
            copy: [{from: test, src: /t, dest: /t}]
          test:
            copy: [{from: build, src: /b, dest: /b}]
          other: {}
        """));
    assertEquals("build.yaml: stages build -> build form a cycle", error("""
        name: app
        stages:
          build:
            copy: [{from: build, src: /t, dest: /t}]
        """));
  }

  @Test
  void temporaryNeedsRunSteps() {
    String files = error("""
        name: app
        files:
          - {url: "https://files.example.invalid/wheel.whl", dest: /tmp/w.whl, temporary: true}
        """);
    assertTrue(files.matches("build.yaml: files\\[0] \\(https://files.example.invalid/wheel.whl\\) is temporary but there are no run steps.*"), files);
    String copy = error("""
        name: app
        stages:
          build:
            copy: [{src: hello.c, dest: /src/hello.c, temporary: true}]
        run: [make]
        """);
    assertTrue(copy.startsWith("build.yaml: stage 'build': copy[0] (hello.c) is temporary but there are no run steps to use it"), copy);
  }

  @Test
  void fromNeedsAnAbsoluteSrc() {
    String message = error("""
        name: app
        stages:
          build: {run: [make]}
        copy:
          - {from: build, src: out/hello, dest: /hello}
        """);
    assertTrue(message.startsWith("build.yaml:5: copy[0]: src 'out/hello' taken from stage 'build' must be an absolute path"), message);
    assertTrue(error("""
        name: app
        stages:
          build: {run: [make]}
        copy:
          - {from: build, src: /out/../etc, dest: /hello}
        """).contains("must be an absolute path inside that stage's result"));
  }

  @Test
  void badStepsAreOneLineErrors() {
    assertTrue(error("name: a\nrun: [\"\"]\n").contains("run[0]: run step command is empty"), error("name: a\nrun: [\"\"]\n"));
    assertTrue(error("name: a\nrun: [{command: []}]\n").contains("run[0]: run step command is empty"));
    assertTrue(error("name: a\nrun: [{env: {A: b}}]\n").contains("missing required key 'command'"));
    assertTrue(error("name: a\nrun: [{command: make, workdir: src}]\n").contains("run[0]: run step workdir 'src' must be a normalized absolute path"));
    assertTrue(error("name: a\nrun: [{command: make, timeout: 0}]\n").contains("run step timeout 0 must be between 1 and 86400"));
    assertTrue(error("name: a\nrun: [{command: make, timeout: 86401}]\n").contains("run step timeout 86401 must be between 1 and 86400"));
    assertTrue(error("name: a\nrun: [{command: make, env: {1A: x}}]\n").contains("run step env name '1A'"));
    assertTrue(error("name: a\nrun: [{command: make, user: \"root:wheel:x\"}]\n").contains("run step user 'root:wheel:x'"));
    assertTrue(error("name: a\nrun: [{command: make, timeout: 5}, {command: {a: b}}]\n").contains("run[1]: run step command must be a string"));
  }

  @Test
  void unknownKeysAreRefusedWithASuggestion() {
    assertEquals("build.yaml:2: unknown key 'comand' in run[0]; did you mean 'command'?", error("""
        name: a
        run: [{comand: make}]
        """));
    assertEquals("build.yaml:4: unknown key 'config' in stages.build; did you mean 'copy'?", error("""
        name: a
        stages:
          build:
            config: {cmd: [x]}
        """));
    assertTrue(error("""
        name: a
        stages:
          build:
            platforms: [linux/amd64]
        """).startsWith("build.yaml:4: unknown key 'platforms' in stages.build"));
    assertTrue(error("""
        name: a
        stages:
          build:
            stages: {}
        """).startsWith("build.yaml:4: unknown key 'stages' in stages.build"));
    assertTrue(error("""
        name: a
        run: [{shell: make}]
        """).startsWith("build.yaml:2: unknown key 'shell' in run[0]"));
  }

  @Test
  void badStageNamesAndStageContent() {
    assertTrue(error("name: a\nstages: {Build: {}}\n").contains("stage name 'Build' must be lowercase"));
    assertEquals("build.yaml: stage 'build': packages are listed but no repositories are declared to install them from",
        errorWithoutLine("name: a\nstages: {build: {packages: [gcc]}}\n"));
  }

  @Test
  void anEmptyStageIsAllowedAndANullOneIsNamed() {
    assertEquals(List.of("docs"), parse("name: a\nstages: {docs: {}}\n").stageOrder());
    String message = errorWithoutLine("name: a\nstages:\n  build:\n");
    assertTrue(message.startsWith("build.yaml: stage 'build' is empty"), message);
  }

  @Test
  void specsWithoutTheNewKeysSerializeWithoutThem() {
    BuildSpec spec = parse("""
        name: a
        files: [{url: "https://files.example.invalid/x", dest: /x}]
        copy: [{src: x, dest: /y}]
        """);
    String tree = dev.sealbuild.formats.json.CanonicalJson.sortedTree(spec).toString();
    assertFalse(tree.contains("temporary"), tree);
    assertFalse(tree.contains("\"from\""), tree);
  }

  @Test
  void theCanonicalTreeHoldsStepsAndStagesAsDeclared() {
    com.fasterxml.jackson.databind.JsonNode tree = dev.sealbuild.formats.json.CanonicalJson.sortedTree(parse(EXAMPLE));
    assertEquals(List.of("command", "env", "timeout", "user", "workdir"), fieldNames(tree.get("run").get(1)));
    assertEquals(List.of("env", "shell", "timeout"), fieldNames(tree.get("run").get(0)));
    assertEquals(List.of("accounts", "base", "buildPackages", "copy", "exclude", "files", "packages", "repositories",
        "run"), fieldNames(tree.get("stages").get("build")));
    assertFalse(tree.has("stageOrder") || tree.has("everyRepository"), tree.toString());
    assertTrue(tree.get("files").get(0).get("temporary").asBoolean());
    assertEquals("build", tree.get("copy").get(0).get("from").asText());
  }

  private static List<String> fieldNames(com.fasterxml.jackson.databind.JsonNode node) {
    List<String> names = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}

package dev.sealbuild.lockfiles.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.formats.json.CanonicalJson;
import dev.sealbuild.lockfiles.lock.SpecDigest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code base: {stage: NAME}} and the config keys volumes, healthcheck and shell (issue #13). */
class StageBaseAndConfigSpecTest {
  private final SpecReader reader = new SpecReader(Map.of());

  private BuildSpec parse(String yaml) {
    return reader.parse("build.yaml", yaml);
  }

  private String error(String yaml) {
    SpecException e = assertThrows(SpecException.class, () -> parse(yaml));
    assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    return e.getMessage().replaceFirst("^build\\.yaml:[0-9]+: ", "build.yaml: ");
  }

  @Test
  void theImageAndStagesStartFromAStage() {
    BuildSpec spec = parse("""
        name: app
        base: {stage: final}
        stages:
          final:
            base: {stage: build}
          build:
            base: {image: registry.example.com/alpine:3.20}
            run: [echo hi > /hi]
          zz: {}
        """);
    assertEquals(Base.stage("final"), spec.base());
    assertTrue(spec.base().isStage());
    assertEquals(List.of("build", "final", "zz"), spec.stageOrder(), "a stage comes after the stage it starts from");
    assertEquals(List.of("final", "build"), spec.baseChain(spec.base()));
    assertEquals(Base.image("registry.example.com/alpine:3.20"), spec.rootBase(spec.base()));
    assertEquals(Base.stage("build"), spec.stage("final").base());
    assertEquals("{\"stage\":\"final\"}", new String(CanonicalJson.compact(CanonicalJson.sortedTree(spec.base())), java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  void theStageMustExist() {
    assertEquals("build.yaml: base is stage 'buidl', which is not declared (stages: build, test)", error("""
        name: app
        base: {stage: buidl}
        stages: {build: {}, test: {}}
        """));
    assertEquals("build.yaml: stage 'test': base is stage 'nope', which is not declared (stages: build, test)", error("""
        name: app
        stages:
          build: {}
          test: {base: {stage: nope}}
        """));
    assertEquals("build.yaml: base is stage 'x', which is not declared (the spec declares no stages)", error("""
        name: app
        base: {stage: x}
        """));
  }

  @Test
  void cyclesThroughBasesAreNamed() {
    assertEquals("build.yaml: stages a -> b -> a form a cycle", error("""
        name: app
        stages:
          a: {base: {stage: b}}
          b: {copy: [{from: a, src: /x, dest: /x}]}
        """));
    assertEquals("build.yaml: stages a -> a form a cycle", error("""
        name: app
        stages:
          a: {base: {stage: a}}
        """));
  }

  @Test
  void oneKindOfBase() {
    assertTrue(error("""
        name: app
        base: {stage: a, image: registry.example.com/x:1}
        stages: {a: {}}
        """).contains("base takes one of 'rootfs', 'image' or 'stage', not several"));
    assertTrue(error("""
        name: app
        base: {stage: "Bad Name"}
        """).contains("base stage 'Bad Name' must name a stage"));
  }

  @Test
  void packagesOnAStageBaseAreAcceptedForDebianAndAlpine() {
    assertEquals(List.of("curl"), parse("""
        name: app
        repositories: [{name: debian, type: debian, suite: bookworm}]
        base: {stage: build}
        packages: [curl]
        stages: {build: {packages: [gcc]}}
        """).packages());
    parse("""
        name: app
        repositories: [{name: main, type: alpine, url: https://example.com/alpine/v3.20/main, keys: [k.pub]}]
        base: {stage: build}
        packages: [curl]
        stages: {build: {packages: [gcc]}}
        """);
  }

  @Test
  void aStageBaseChangesTheDigestAndOtherSpecsKeepTheirs() {
    BuildSpec plain = parse("name: app\nstages: {build: {}}\n");
    BuildSpec onStage = parse("name: app\nbase: {stage: build}\nstages: {build: {}}\n");
    assertNotEquals(SpecDigest.of(plain), SpecDigest.of(onStage));
    String json = new String(CanonicalJson.compact(CanonicalJson.sortedTree(plain)), java.nio.charset.StandardCharsets.UTF_8);
    assertFalse(json.contains("stage\":") || json.contains("volumes") || json.contains("healthcheck") || json.contains("shell"), json);
  }

  @Test
  void volumesHealthcheckAndShell() {
    ImageConfigSpec config = parse("""
        name: app
        config:
          volumes: [/var/lib/db, /data, /data]
          shell: [/bin/bash, -c]
          healthcheck:
            test: [CMD-SHELL, "curl -f http://localhost/ || exit 1"]
            interval: 1m30s
            timeout: 500ms
            startPeriod: 2s
            startInterval: 1.5s
            retries: 3
        """).config();
    assertEquals(List.of("/data", "/var/lib/db"), config.volumes());
    assertEquals(List.of("/bin/bash", "-c"), config.shell());
    HealthcheckSpec h = config.healthcheck();
    assertEquals(90_000_000_000L, h.intervalNanos());
    assertEquals(500_000_000L, h.timeoutNanos());
    assertEquals(2_000_000_000L, h.startPeriodNanos());
    assertEquals(1_500_000_000L, h.startIntervalNanos());
    assertEquals(3, h.retries());
    assertEquals(List.of("NONE"), parse("name: app\nconfig: {healthcheck: {test: [NONE]}}\n").config().healthcheck().test());
  }

  @Test
  void badConfigValuesAreNamed() {
    assertEquals("build.yaml: config.volumes entry 'data' must be an absolute path such as /data",
        error("name: app\nconfig: {volumes: [data]}\n").replaceFirst(": config: ", ": "));
    assertTrue(error("name: app\nconfig: {healthcheck: {test: [RUN, x]}}\n")
        .endsWith("config.healthcheck.test starts with 'RUN'; the first word must be CMD, CMD-SHELL or NONE"));
    assertTrue(error("name: app\nconfig: {healthcheck: {test: [CMD-SHELL, a, b]}}\n")
        .endsWith("config.healthcheck.test [CMD-SHELL, ...] takes exactly one command line after CMD-SHELL"));
    assertTrue(error("name: app\nconfig: {healthcheck: {test: [CMD]}}\n").endsWith("config.healthcheck.test [CMD] needs the program to run after CMD"));
    for (String bad : List.of("30", "30 s", "-1s", "1d", "s", "1m30", "1.s")) {
      assertTrue(error("name: app\nconfig: {healthcheck: {test: [NONE], interval: \"" + bad + "\"}}\n")
          .endsWith("config.healthcheck.interval '" + bad + "' is not a duration; write it like 30s, 1m30s or 500ms (units ns, us, ms, s, m, h)"), bad);
    }
    assertTrue(error("name: app\nconfig: {healthcheck: {test: [NONE], retries: -1}}\n").endsWith("config.healthcheck.retries -1 must not be negative"));
    assertTrue(error("name: app\nconfig: {shell: []}\n").endsWith("config.shell must be a non-empty argv such as [/bin/bash, -c]"));
  }
}

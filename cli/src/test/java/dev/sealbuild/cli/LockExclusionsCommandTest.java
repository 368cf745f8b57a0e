package dev.sealbuild.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sealbuild.cli.it.LocalHttpServer;
import dev.sealbuild.formats.json.CanonicalJson;
import dev.sealbuild.testsupport.apk.SigningKey;
import dev.sealbuild.testsupport.apk.TestApk;
import dev.sealbuild.testsupport.apk.TestApkIndex;
import dev.sealbuild.testsupport.deb.SyntheticRepository;
import dev.sealbuild.testsupport.deb.TestPgp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What {@code exclude:} drops is printed by {@code lock} and {@code lock --dry-run}, and recorded in the lock. */
class LockExclusionsCommandTest {
  @TempDir Path work;

  /** A signed Alpine mirror where {@code app} depends on {@code docs}, served on 127.0.0.1, and a project excluding docs. */
  private LocalHttpServer alpineProject() throws Exception {
    Path arch = Files.createDirectories(work.resolve("mirror/alpine/x86_64"));
    SigningKey key = SigningKey.generate("test@sealbuild.invalid-00000005.rsa.pub");
    TestApk.Built docs = TestApk.pkg("docs", "1.0-r0").dir("usr").file("usr/README", "docs\n").build(key);
    TestApk.Built app = TestApk.pkg("app", "1.0-r0").depends("docs")
        .dir("usr").file("usr/app", "app\n").build(key);
    for (TestApk.Built apk : List.of(docs, app)) {
      Files.write(arch.resolve(apk.fileName()), apk.bytes());
    }
    Files.write(arch.resolve("APKINDEX.tar.gz"), TestApkIndex.signed(List.of(docs.indexEntry(), app.indexEntry()), "test", key));
    LocalHttpServer server = new LocalHttpServer(work.resolve("mirror"));
    Path project = Files.createDirectories(work.resolve("project/keys"));
    Files.writeString(project.resolve(key.name()), key.publicPem());
    Files.writeString(work.resolve("project/build.yaml"), """
        name: excluding
        repositories:
          - {name: local, type: alpine, url: "%s", keys: [keys/%s]}
        packages: [app]
        exclude: [docs]
        """.formatted(server.url("alpine").toString(), key.name()));
    return server;
  }

  private InProcess build() {
    return new InProcess(work).env("SEALBUILD_CACHE", work.resolve("cache").toString());
  }

  @Test
  void alpineLockPrintsAndRecordsWhatExcludeDropped() throws Exception {
    try (LocalHttpServer ignored = alpineProject()) {
      InProcess.Result dryRun = build().run("lock", "--dry-run", "project").ok();
      JsonNode planned = CanonicalJson.mapper().readTree(dryRun.out());
      JsonNode excluded = null;
      for (JsonNode entry : planned) {
        if (entry.get("kind").asText().equals("excluded")) {
          excluded = entry;
        }
      }
      assertTrue(excluded != null, dryRun.out());
      assertEquals("docs", excluded.get("name").asText());
      assertEquals("not installed (exclude:) though needed by app for [linux/amd64]", excluded.get("action").asText());

      InProcess.Result lock = build().run("lock", "project").ok();
      assertTrue(lock.err().contains("excluded: docs (needed by app; linux/amd64)\n"), lock.err());
      JsonNode written = CanonicalJson.mapper().readTree(work.resolve("project/build.lock.json").toFile());
      assertEquals(1, written.get("packages").size(), "only app is installed");
      assertEquals("app", written.get("packages").get(0).get("name").asText());
      assertEquals("docs", written.at("/excluded/0/name").asText());
      assertEquals("app", written.at("/excluded/0/neededBy/0").asText());
      assertEquals("linux/amd64", written.at("/excluded/0/platforms/0").asText());
      build().run("lock", "--check", "project").ok();
      assertTrue(build().run("lock", "project").ok().err().contains("excluded: docs"), "a kept lock still says what it lacks");
    }
  }

  /**
   * Debian: {@code exclude: [conf]} drops {@code app}'s dependency {@code conf | conf-2.0} without pulling
   * {@code cconf} (the other provider of conf-2.0) in its place; the dropped relation is printed and recorded.
   */
  @Test
  void debianLockPrintsAndRecordsEveryDependencyExcludeDropped() throws Exception {
    TestPgp.Key key = TestPgp.newKey("Synthetic Archive <archive@sealbuild.invalid>");
    try (SyntheticRepository repo = new SyntheticRepository(SyntheticRepository.Spec.simple("stable"), key, List.of(
        SyntheticRepository.pkg("app", "1", "Depends: conf (>= 1) | conf-2.0, base\n"),
        SyntheticRepository.pkg("tool", "1", "Pre-Depends: conf\n"),
        SyntheticRepository.pkg("conf", "1.5", "Provides: conf-2.0\nDepends: conf-dep\n"),
        SyntheticRepository.pkg("cconf", "1", "Provides: conf-2.0\n"),
        SyntheticRepository.pkg("conf-dep", "1", ""),
        SyntheticRepository.pkg("base", "1", "")))) {
      Path project = Files.createDirectories(work.resolve("project"));
      Files.write(project.resolve("archive.gpg"), key.keyringBytes());
      Files.writeString(project.resolve("build.yaml"), """
          name: excluding
          repositories:
            - {name: synthetic, type: debian, url: "%s", suite: stable, keyring: archive.gpg}
          packages: [app, tool]
          exclude: [conf]
          """.formatted(repo.base()));
      InProcess.Result dryRun = build().run("lock", "--dry-run", "project").ok();
      JsonNode excluded = null;
      for (JsonNode entry : CanonicalJson.mapper().readTree(dryRun.out())) {
        if (entry.get("kind").asText().equals("excluded")) {
          excluded = entry;
        }
      }
      assertTrue(excluded != null, dryRun.out());
      assertEquals("not installed (exclude:) though needed by app, tool for [linux/amd64]; dropped: app -> conf (>= 1)"
          + " | conf-2.0, tool -> conf", excluded.get("action").asText());

      InProcess.Result lock = build().run("lock", "project").ok();
      assertTrue(lock.err().contains("excluded: conf (needed by app, tool; linux/amd64; dropped: app -> conf (>= 1) |"
          + " conf-2.0, tool -> conf)\n"), lock.err());
      JsonNode written = CanonicalJson.mapper().readTree(project.resolve("build.lock.json").toFile());
      List<String> names = new java.util.ArrayList<>();
      written.get("packages").forEach(p -> names.add(p.get("name").asText()));
      assertEquals(List.of("app", "base", "tool"), names, "neither conf nor cconf in its place");
      assertEquals("app -> conf (>= 1) | conf-2.0", written.at("/excluded/0/dependencies/0").asText());
      assertEquals("tool -> conf", written.at("/excluded/0/dependencies/1").asText());
      build().run("lock", "--check", "project").ok();
    }
  }

  @Test
  void withoutExclusionsTheLockHasNoExcludedField() throws Exception {
    try (TestProject project = new TestProject(work)) {
      project.build().run("lock", "project").ok();
      assertFalse(Files.readString(project.dir.resolve("build.lock.json")).contains("excluded"));
    }
  }

  /** The committed sample locks were made before exclusions were recorded: they are still current. */
  @ParameterizedTest
  @ValueSource(strings = {"busybox", "python", "static-site", "alpine-rootfs"})
  void committedSampleLocksStillPassTheCheck(String sample) {
    Path samples = Path.of("..").toAbsolutePath().normalize().resolve("samples");
    InProcess.Result check = new InProcess(samples).run("lock", "--check", sample);
    assertEquals(0, check.exit(), check.toString());
    assertEquals(sample + "/build.lock.json: up to date\n", check.err());
  }
}

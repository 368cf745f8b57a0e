package dev.sealbuild.cli.it;

import static dev.sealbuild.cli.it.Sealbuild.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealbuild.testsupport.Fixtures;
import dev.sealbuild.testsupport.Requirements;
import dev.sealbuild.testsupport.apk.SigningKey;
import dev.sealbuild.testsupport.apk.TestApk;
import dev.sealbuild.testsupport.apk.TestApkIndex;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Removing and replacing base packages end to end, against the real apk 2.14.4: a base made from the real 3.20.3
 * minirootfs on which the real apk installed {@code app} (needing {@code tool}, which bar provides at version 2 and baz
 * at 1, so apk chose bar) and {@code keep=1.0-r0}, from a local signed mirror. The spec asks for {@code foo} (which
 * conflicts with bar) and {@code keep=2.0-r0}: apk would purge bar for baz and upgrade keep; sealbuild locks the same
 * change, and the image lacks bar's files and record, has keep 2.0 without 1.0's old file, and the real apk audits it
 * clean and finds nothing to change.
 */
class AlpineBaseRemovalIT {
  private static final Pattern STEP = Pattern.compile(
      "^\\(\\d+/\\d+\\) (Installing|Upgrading|Purging) (\\S+) \\((.+)\\)$");
  @TempDir static Path work;
  static LocalHttpServer http;
  static Path base;

  @BeforeAll
  static void setUp() throws Exception {
    Requirements.requireTools("umoci", "unshare", "chroot", "tar");
    Requirements.require("amd64".equals(System.getProperty("os.arch")), "the x86_64 minirootfs runs on x86_64 only");
    Requirements.require("0".equals(Tools.ok(work, "id", "-u").strip()), "running apk in a chroot needs root");
    Path minirootfs = Fixtures.file("alpine/minirootfs/alpine-minirootfs-3.20.3-x86_64.tar.gz");
    SigningKey key = SigningKey.generate("removal@sealbuild.invalid-00000005.rsa.pub");
    writeMirror(Files.createDirectories(work.resolve("mirror/alpine/x86_64")), key);
    http = new LocalHttpServer(work.resolve("mirror"));
    Path seed = work.resolve("seed.tar.gz");
    AlpineBases.withOwnRepositories(minirootfs, seed, http.url("alpine") + "\n", key);
    // The base: what the real apk installs over the local mirror, packed up again.
    Path root = Files.createDirectories(work.resolve("base-root"));
    Tools.ok(work, "tar", "-xzpf", seed.toString(), "-C", root.toString(), "--numeric-owner");
    Tools.ok(work, "chroot", root.toString(), "/sbin/apk", "add", "--no-cache", "app", "keep=1.0-r0");
    base = work.resolve("alpine-base.tar.gz");
    Tools.ok(work, "tar", "-czf", base.toString(), "-C", root.toString(), "--numeric-owner", ".");
  }

  @AfterAll
  static void tearDown() {
    if (http != null) {
      http.close();
    }
  }

  private static void writeMirror(Path dir, SigningKey key) throws Exception {
    List<TestApk.Built> apks = List.of(
        TestApk.pkg("app", "1.0-r0").depends("tool").dir("usr").dir("usr/share").file("usr/share/app", "app\n").build(key),
        TestApk.pkg("bar", "1.0-r0").provides("tool=2").dir("usr").dir("usr/bin").file("usr/bin/tool", bytes("bar\n"), 0755)
            .dir("usr/share").dir("usr/share/bar").file("usr/share/bar/notes", "bar's\n").build(key),
        TestApk.pkg("baz", "1.0-r0").provides("tool=1").dir("usr").dir("usr/bin").file("usr/bin/tool", bytes("baz\n"), 0755)
            .build(key),
        TestApk.pkg("foo", "1.0-r0").depends("!bar").dir("usr").dir("usr/bin").file("usr/bin/foo", bytes("foo\n"), 0755)
            .build(key),
        TestApk.pkg("keep", "1.0-r0").dir("usr").dir("usr/share").dir("usr/share/keep")
            .file("usr/share/keep/common", "1\n").file("usr/share/keep/old", "1\n").build(key),
        TestApk.pkg("keep", "2.0-r0").dir("usr").dir("usr/share").dir("usr/share/keep")
            .file("usr/share/keep/common", "2\n").file("usr/share/keep/new", "2\n").build(key),
        TestApk.pkg("hard", "1.0-r0").depends("!keep").dir("usr").dir("usr/share").file("usr/share/hard", "h\n").build(key));
    for (TestApk.Built apk : apks) {
      Files.write(dir.resolve(apk.fileName()), apk.bytes());
    }
    Files.write(dir.resolve("APKINDEX.tar.gz"),
        TestApkIndex.signed(apks.stream().map(TestApk.Built::indexEntry).toList(), "removal mirror", key));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static Path project(String name, String packages) throws Exception {
    Path dir = Files.createDirectories(work.resolve(name));
    Files.copy(base, dir.resolve("alpine-base.tar.gz"));
    Files.writeString(dir.resolve("build.yaml"), """
        name: alpine-removal
        base:
          rootfs: {path: alpine-base.tar.gz}
        repositories:
          - {name: alpine, type: alpine, from: base}
        packages: %s
        """.formatted(packages));
    return dir;
  }

  private static Sealbuild sealbuild(Path project) {
    return new Sealbuild(project).env("SEALBUILD_CACHE", work.resolve("cache").toString());
  }

  /** What the real apk in the base would do for {@code requests}: "Installing x-1", "Purging y-1", ... sorted. */
  private static Set<String> realApk(String... requests) throws Exception {
    Path root = work.resolve("base-root");
    List<String> command = new java.util.ArrayList<>(List.of("chroot", root.toString(), "/sbin/apk", "add", "--simulate",
        "--no-cache"));
    command.addAll(List.of(requests));
    String out = Tools.ok(work, command.toArray(String[]::new));
    Set<String> steps = new TreeSet<>();
    for (String line : out.lines().toList()) {
      Matcher m = STEP.matcher(line);
      if (m.matches()) {
        String version = m.group(3);
        if (version.contains(" -> ")) {
          steps.add("Purging " + m.group(2) + "-" + version.substring(0, version.indexOf(" -> ")));
          steps.add("Installing " + m.group(2) + "-" + version.substring(version.indexOf(" -> ") + 4));
        } else {
          steps.add((m.group(1).equals("Purging") ? "Purging " : "Installing ") + m.group(2) + "-" + version);
        }
      }
    }
    return steps;
  }

  /** What the lock says sealbuild does, in the same words. */
  private static Set<String> locked(Path project) throws Exception {
    JsonNode lock = new ObjectMapper().readTree(project.resolve("build.lock.json").toFile());
    Set<String> steps = new TreeSet<>();
    lock.path("packages").forEach(p -> steps.add("Installing " + p.get("name").asText() + "-" + p.get("version").asText()));
    lock.path("removed").forEach(p -> steps.add("Purging " + p.get("name").asText() + "-" + p.get("version").asText()));
    return steps;
  }

  @Test
  void aConflictAndAnUpgradeRemoveFromTheBaseAsApkDoes() throws Exception {
    Path project = project("removal", "[foo, keep=2.0-r0]");
    Set<String> apk = realApk("foo", "keep=2.0-r0");
    assertEquals(Set.of("Installing baz-1.0-r0", "Installing foo-1.0-r0", "Installing keep-2.0-r0", "Purging bar-1.0-r0",
        "Purging keep-1.0-r0"), apk, "what the real apk does");
    Sealbuild.Result lock = ok(sealbuild(project).run("lock"));
    assertEquals(apk, locked(project), "sealbuild pins the same change");
    assertTrue(lock.stderr().contains("removes from base: bar 1.0-r0 (linux/amd64)"), lock.stderr());
    assertTrue(lock.stderr().contains("removes from base: keep 1.0-r0 (linux/amd64)"), lock.stderr());
    Sealbuild.Result dry = ok(sealbuild(project).run("lock", "--dry-run"));
    assertTrue(dry.stdout().contains("removed from base"), dry.stdout());

    ok(sealbuild(project).run("prep"));
    ok(sealbuild(project).run("image", "--output", "oci:out/img:latest"));
    Tools.ok(project, "umoci", "unpack", "--image", "out/img:latest", "out/bundle");
    Path rootfs = project.resolve("out/bundle/rootfs");
    String installed = Files.readString(rootfs.resolve("lib/apk/db/installed"));
    assertFalse(installed.contains("P:bar\n"), "bar's record is gone");
    assertTrue(installed.contains("P:keep\nV:2.0-r0\n") && !installed.contains("P:keep\nV:1.0-r0\n"), installed);
    assertFalse(Files.exists(rootfs.resolve("usr/share/bar")), "bar's files and directory are gone");
    assertFalse(Files.exists(rootfs.resolve("usr/share/keep/old")), "keep 1.0's file that 2.0 lacks is gone");
    assertEquals("baz\n", Files.readString(rootfs.resolve("usr/bin/tool")));
    assertEquals("2\n", Files.readString(rootfs.resolve("usr/share/keep/common")));
    String world = Files.readString(rootfs.resolve("etc/apk/world"));
    assertTrue(world.lines().toList().containsAll(List.of("app", "foo", "keep=2.0-r0")) && !world.contains("keep=1.0-r0"), world);

    Tools.Output audit = Tools.run(project, "unshare", "-n", "chroot", rootfs.toString(), "/sbin/apk", "audit", "--system");
    assertEquals(0, audit.exit(), audit.stdout() + audit.stderr());
    for (String path : List.of("usr/bin/tool", "usr/bin/foo", "usr/share/keep", "usr/share/bar")) {
      assertFalse(audit.stdout().contains(path), audit.stdout());
    }
    String info = Tools.ok(project, "unshare", "-n", "chroot", rootfs.toString(), "/sbin/apk", "info", "-v");
    assertTrue(info.contains("baz-1.0-r0") && info.contains("keep-2.0-r0") && !info.contains("bar-1.0-r0"), info);
    Tools.Output check = Tools.run(project, "unshare", "-n", "chroot", rootfs.toString(), "/sbin/apk", "add", "--simulate",
        "--no-network");
    assertFalse(check.stdout().contains("Installing") || check.stdout().contains("Purging"), check.stdout() + check.stderr());

    Sealbuild.Result audited = ok(sealbuild(project).run("audit", "oci:out/img:latest"));
    assertTrue(audited.stdout().contains("removed from base: bar 1.0-r0 (linux/amd64)"), audited.stdout());
    Sealbuild.Result sbom = ok(sealbuild(project).run("sbom"));
    assertTrue(sbom.stdout().contains("\"baz\"") && !sbom.stdout().contains("\"bar\""), "the SBOM lists baz, not bar");
  }

  @Test
  void aConflictWithWhatTheBaseWorldNamesIsRefusedAsApkRefusesIt() throws Exception {
    Tools.Output apk = Tools.run(work, "chroot", work.resolve("base-root").toString(), "/sbin/apk", "add", "--simulate",
        "--no-cache", "hard");
    assertTrue(apk.exit() != 0 && (apk.stdout() + apk.stderr()).contains("breaks: hard-1.0-r0[!keep]"),
        "the real apk refuses: " + apk.stdout() + apk.stderr());
    Path project = project("refused", "[hard]");
    Sealbuild.Result r = sealbuild(project).run("lock");
    assertEquals(1, r.exit(), r.toString());
    List<String> errors = r.stderr().lines().filter(l -> l.startsWith("error:")).toList();
    assertEquals(1, errors.size(), r.stderr());
    assertTrue(errors.get(0).contains("keep-1.0-r0") && errors.get(0).contains("hard-1.0-r0"), errors.get(0));
    assertFalse(Files.exists(project.resolve("build.lock.json")), "nothing written");
  }
}

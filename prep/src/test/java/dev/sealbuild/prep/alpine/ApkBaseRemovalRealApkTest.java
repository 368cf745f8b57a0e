package dev.sealbuild.prep.alpine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.testsupport.apk.SigningKey;
import dev.sealbuild.testsupport.apk.TestApk;
import dev.sealbuild.testsupport.apk.TestApkIndex;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Removing and replacing packages a base has installed, compared with the real apk-tools 2.14.4 (Alpine 3.20.3
 * minirootfs, in a chroot) on a root where apk itself installed {@code app} and {@code keep=1.0-r0}: app needs
 * {@code tool}, which bar (tool=2) and baz (tool=1) provide, so apk chose bar. apk's answers are computed at test time.
 */
class ApkBaseRemovalRealApkTest {
  private static final SigningKey KEY = SigningKey.generate("sealbuild-removal-6a7b8c9d.rsa.pub");
  private static RealApk apk;
  private static String root;
  private static ApkResolver resolver;

  @BeforeAll
  static void setUp() throws Exception {
    AlpineChroot chroot = AlpineChroot.alpine320();
    List<TestApk.Built> apks = List.of(
        TestApk.pkg("app", "1.0-r0").depends("tool").dir("usr").dir("usr/share").file("usr/share/app", "app\n").build(KEY),
        TestApk.pkg("bar", "1.0-r0").provides("tool=2").dir("usr").dir("usr/bin").file("usr/bin/tool", "bar\n".getBytes(java.nio.charset.StandardCharsets.UTF_8), 0755)
            .dir("usr/share").dir("usr/share/bar").file("usr/share/bar/notes", "bar's\n").build(KEY),
        TestApk.pkg("baz", "1.0-r0").provides("tool=1").dir("usr").dir("usr/bin").file("usr/bin/tool", "baz\n".getBytes(java.nio.charset.StandardCharsets.UTF_8), 0755)
            .build(KEY),
        TestApk.pkg("foo", "1.0-r0").depends("!bar").dir("usr").dir("usr/bin").file("usr/bin/foo", "foo\n".getBytes(java.nio.charset.StandardCharsets.UTF_8), 0755).build(KEY),
        TestApk.pkg("keep", "1.0-r0").dir("usr").dir("usr/share").dir("usr/share/keep")
            .file("usr/share/keep/common", "1\n").file("usr/share/keep/old", "1\n").build(KEY),
        TestApk.pkg("keep", "2.0-r0").dir("usr").dir("usr/share").dir("usr/share/keep")
            .file("usr/share/keep/common", "2\n").file("usr/share/keep/new", "2\n").build(KEY),
        TestApk.pkg("newtool", "1.0-r0").info("replaces", "bar").dir("usr").dir("usr/bin")
            .file("usr/bin/tool", "newtool\n".getBytes(java.nio.charset.StandardCharsets.UTF_8), 0755).build(KEY),
        TestApk.pkg("hard", "1.0-r0").depends("!keep").dir("usr").dir("usr/share").file("usr/share/hard", "h\n").build(KEY));
    Path dir = chroot.newTempDir("removal-");
    Path keys = Files.createDirectories(dir.resolve("keys"));
    Files.writeString(keys.resolve(KEY.name()), KEY.publicPem());
    Path arch = Files.createDirectories(dir.resolve("main/x86_64"));
    for (TestApk.Built b : apks) {
      Files.write(arch.resolve(b.fileName()), b.bytes());
    }
    Files.write(arch.resolve("APKINDEX.tar.gz"),
        TestApkIndex.signed(apks.stream().map(TestApk.Built::indexEntry).toList(), "removal", KEY));
    apk = new RealApk(chroot, List.of(new RealApk.Repo(null, dir.resolve("main"))), keys, "x86_64");
    root = apk.emptyRoot();
    apk.install(root, List.of("app", "keep=1.0-r0"));
    Path host = chroot.root().resolve(root.substring(1));
    ApkInstalledDb installed = ApkInstalledDb.parse(Files.readString(host.resolve("lib/apk/db/installed")),
        Files.readString(host.resolve("etc/apk/world")));
    assertEquals(Set.of("app-1.0-r0", "bar-1.0-r0", "keep-1.0-r0"), names(installed.packages()));
    resolver = new ApkResolver(apks.stream().map(TestApks::record).toList(), installed);
  }

  @Test
  void removalsAndReplacementsOfBasePackagesAreApks() throws Exception {
    List<List<String>> requests = List.of(
        List.of("foo"), // conflicts with bar, which only app's 'tool' needs: apk switches to baz and purges bar
        List.of("!bar"), // the same, asked directly
        List.of("baz"), // baz and bar provide the same versioned name: one goes
        List.of("keep=2.0-r0"), // a base package to a new version
        List.of("hard"), // conflicts with keep, which the base's world names: refused
        List.of("!keep"), // replaces the world's keep=1.0-r0 entry: keep is purged
        List.of("newtool")); // replaces: bar only decides who owns usr/bin/tool; apk removes nothing
    List<RealApk.Outcome> outcomes = apk.simulate(root, requests);
    List<String> mismatches = new ArrayList<>();
    for (int i = 0; i < requests.size(); i++) {
      RealApk.Outcome real = outcomes.get(i);
      List<String> request = requests.get(i);
      if (!real.ok()) {
        try {
          mismatches.add(request + ": apk fails (" + real.output().strip().replace('\n', ' ') + ") but we resolve "
              + resolver.resolve(request).toInstall());
        } catch (ApkException expected) {
          assertFalse(expected.getMessage().contains("\n"), "one-line message");
        }
        continue;
      }
      try {
        ApkResolution ours = resolver.resolve(request);
        if (!names(ours.toInstall()).equals(real.installs()) || !names(ours.toRemove()).equals(real.removals())) {
          mismatches.add(request + ": apk installs " + real.installs() + " removes " + real.removals() + " but we install "
              + names(ours.toInstall()) + " remove " + names(ours.toRemove()));
        }
      } catch (ApkException e) {
        mismatches.add(request + ": apk resolves " + real.installs() + " but we fail: " + e.getMessage());
      }
    }
    assertEquals(List.of(), mismatches, outcomes.toString());
    assertEquals(List.of(true, true, true, true, false, true, true), outcomes.stream().map(RealApk.Outcome::ok).toList(),
        outcomes.toString());
  }

  @Test
  void aConflictWithWhatTheBaseWorldNamesIsRefusedWithTheChain() {
    ApkException e = assertThrows(ApkException.class, () -> resolver.resolve(List.of("hard")));
    assertEquals("cannot resolve Alpine packages: keep-1.0-r0 (installed -> keep-1.0-r0; the world asks for keep=1.0-r0) conflicts with '!keep' (needed by"
        + " world -> hard-1.0-r0)", e.getMessage());
  }

  @Test
  void aConflictSwitchesProviderAndRemovesTheBasePackage() {
    ApkResolution r = resolver.resolve(List.of("foo"));
    assertEquals(Set.of("bar-1.0-r0"), names(r.toRemove()));
    assertEquals(Set.of("baz-1.0-r0", "foo-1.0-r0"), names(r.toInstall()));
    ApkResolution replacing = resolver.resolve(List.of("newtool"));
    assertEquals(Set.of(), names(replacing.toRemove()), "r: replaces removes nothing, in apk as here");
    ApkResolution upgrade = resolver.resolve(List.of("keep=2.0-r0"));
    assertEquals(Set.of("keep-1.0-r0"), names(upgrade.toRemove()));
    assertEquals(Set.of("keep-2.0-r0"), names(upgrade.toInstall()));
  }

  private static Set<String> names(List<ApkPackage> packages) {
    return packages.stream().map(ApkPackage::nameVersion).collect(Collectors.toCollection(TreeSet::new));
  }
}

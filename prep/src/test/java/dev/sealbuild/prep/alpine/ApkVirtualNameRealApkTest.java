package dev.sealbuild.prep.alpine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

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
import org.junit.jupiter.api.Test;

/**
 * Purely virtual names (only unversioned provides, no provider priority) against the real apk 2.14.4: refused when
 * nothing else brings a provider in, satisfied by a provider another request brings in or names. One request is a
 * statement of difference: {@code openjdk8-jdk java-jre-headless} (apk-tools' own test provides22) fails in 2.14.4 and
 * resolves in the later 2.14 release that resolves purely virtual names last (apk-tools dc2f49cde1), which sealbuild
 * follows.
 */
class ApkVirtualNameRealApkTest {
  private static final SigningKey KEY = SigningKey.generate("sealbuild-virt-5a1b2c3d.rsa.pub");

  @Test
  void virtualNamesResolveLikeApk() throws Exception {
    AlpineChroot chroot = AlpineChroot.alpine320();
    List<TestApk.Built> apks = List.of(
        pkg("openjdk8-jdk", "1.0-r0", List.of("so:openjdk8:libawt.so=0"), List.of()),
        pkg("openjdk8-jre-base", "1.0-r0", List.of(), List.of("java-jre-headless", "so:openjdk8:libawt.so=0")),
        pkg("openjdk17-jre-headless", "1.0-r0", List.of(), List.of("java-jre-headless")),
        pkg("app", "1.0-r0", List.of("java-jre-headless"), List.of()),
        pkg("tool", "1.0-r0", List.of("openjdk17-jre-headless"), List.of()),
        pkg("solo", "1.0-r0", List.of(), List.of("solo-virtual")));
    Path dir = chroot.newTempDir("virt-");
    Path keys = Files.createDirectories(dir.resolve("keys"));
    Files.writeString(keys.resolve(KEY.name()), KEY.publicPem());
    Path arch = Files.createDirectories(dir.resolve("repo/x86_64"));
    Files.write(arch.resolve("APKINDEX.tar.gz"), TestApkIndex.signed(apks.stream().map(TestApk.Built::indexEntry).toList(),
        "virt", KEY));
    RealApk apk = new RealApk(chroot, List.of(new RealApk.Repo(null, dir.resolve("repo"))), keys, "x86_64");
    List<String> newer = List.of("openjdk8-jdk", "java-jre-headless");
    List<List<String>> requests = List.of(newer, List.of("java-jre-headless"), List.of("app"),
        List.of("java-jre-headless", "openjdk17-jre-headless"), List.of("app", "openjdk8-jdk"), List.of("app", "tool"),
        List.of("java-jre-headless", "tool"), List.of("app", "openjdk17-jre-headless"), List.of("solo-virtual"),
        List.of("solo-virtual", "solo"));
    List<RealApk.Outcome> outcomes = apk.simulate(apk.emptyRoot(), requests);
    ApkResolver resolver = new ApkResolver(apks.stream().map(TestApks::record).toList(), ApkInstalledDb.empty());

    // the difference: 2.14.4 fails (#11059, "Error reporter did not find the broken constraints"), the later release
    // installs what apk-tools' provides22.test expects
    assertFalse(outcomes.get(0).ok(), outcomes.get(0).output());
    assertEquals(Set.of("openjdk8-jdk-1.0-r0", "openjdk8-jre-base-1.0-r0"), names(resolver.resolve(newer).toInstall()));

    List<String> mismatches = new ArrayList<>();
    for (int i = 1; i < requests.size(); i++) {
      RealApk.Outcome real = outcomes.get(i);
      String ours;
      try {
        ours = names(resolver.resolve(requests.get(i)).toInstall()).toString();
      } catch (ApkException e) {
        ours = "fails: " + e.getMessage();
      }
      String theirs = real.ok() ? real.installs().toString() : "fails: " + real.output().strip().replace('\n', ' ');
      if (real.ok() != !ours.startsWith("fails") || (real.ok() && !ours.equals(theirs))) {
        mismatches.add(requests.get(i) + ": apk " + theirs + " | sealbuild " + ours);
      }
    }
    assertEquals(List.of(), mismatches);
  }

  private static TestApk.Built pkg(String name, String version, List<String> depends, List<String> provides) {
    return TestApk.pkg(name, version).depends(depends.toArray(String[]::new)).provides(provides.toArray(String[]::new))
        .dir("usr").dir("usr/share").file("usr/share/" + name, name + "\n").build(KEY);
  }

  private static Set<String> names(List<ApkPackage> packages) {
    return packages.stream().map(ApkPackage::nameVersion).collect(Collectors.toCollection(TreeSet::new));
  }
}

package dev.sealbuild.prep.alpine;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
 * install_if packages that provide a name another package also provides, against the real apk 2.14.4: the requests
 * resolve to apk's set, or fail where apk fails. The cases of issue #15: a requested package whose install_if brings a
 * package providing a name something else also provides ({@code a}: apk takes the install_if choice {@code i} over
 * {@code b}'s higher version, where sealbuild used to fail with "b and i both provide 'z'"), and a purely virtual name
 * with several providers and no priority ({@code c}: apk takes {@code j}, which c's install_if brings anyway).
 */
class ApkInstallIfRealApkTest {
  private static final SigningKey KEY = SigningKey.generate("sealbuild-iif-7c2d4e5f.rsa.pub");

  @Test
  void installIfProvidersResolveLikeApk() throws Exception {
    AlpineChroot chroot = AlpineChroot.alpine320();
    // a needs z; b provides z (higher); i comes with a (install_if) and provides z too. c needs virtual v, which
    // j (install_if c) and k provide unversioned; d needs z=1.0, which only i provides.
    List<TestApk.Built> apks = List.of(
        pkg("a", "1.0-r0", List.of("z"), List.of(), List.of()),
        pkg("b", "1.0-r0", List.of(), List.of("z=2.0"), List.of()),
        pkg("i", "1.0-r0", List.of(), List.of("z=1.0"), List.of("a")),
        pkg("c", "1.0-r0", List.of("v"), List.of(), List.of()),
        pkg("j", "1.0-r0", List.of(), List.of("v"), List.of("c")),
        pkg("k", "1.0-r0", List.of(), List.of("v"), List.of()),
        pkg("d", "1.0-r0", List.of("z=1.0"), List.of(), List.of()),
        pkg("e", "1.0-r0", List.of(), List.of("y=1"), List.of("a")),
        pkg("f", "1.0-r0", List.of("y"), List.of("x=1"), List.of()),
        pkg("g", "1.0-r0", List.of(), List.of("y=2"), List.of()));
    Path dir = chroot.newTempDir("iif-");
    Path keys = Files.createDirectories(dir.resolve("keys"));
    Files.writeString(keys.resolve(KEY.name()), KEY.publicPem());
    Path arch = Files.createDirectories(dir.resolve("repo/x86_64"));
    Files.write(arch.resolve("APKINDEX.tar.gz"), TestApkIndex.signed(apks.stream().map(TestApk.Built::indexEntry).toList(),
        "iif", KEY));
    RealApk apk = new RealApk(chroot, List.of(new RealApk.Repo(null, dir.resolve("repo"))), keys, "x86_64");
    List<List<String>> requests = List.of(List.of("a"), List.of("a", "b"), List.of("a", "d"), List.of("c"), List.of("c", "k"),
        List.of("d"), List.of("a", "f"), List.of("f", "a"), List.of("a", "g"), List.of("a", "!i"), List.of("a", "z"),
        List.of("i"), List.of("a", "f", "g"));
    List<RealApk.Outcome> outcomes = apk.simulate(apk.emptyRoot(), requests);
    ApkResolver resolver = new ApkResolver(apks.stream().map(TestApks::record).toList(), ApkInstalledDb.empty());
    List<String> mismatches = new ArrayList<>();
    for (int i = 0; i < requests.size(); i++) {
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

  private static TestApk.Built pkg(String name, String version, List<String> depends, List<String> provides,
      List<String> installIf) {
    return TestApk.pkg(name, version).depends(depends.toArray(String[]::new)).provides(provides.toArray(String[]::new))
        .installIf(installIf.toArray(String[]::new)).dir("usr").dir("usr/share")
        .file("usr/share/" + name, name + "\n").build(KEY);
  }

  private static Set<String> names(List<ApkPackage> packages) {
    return packages.stream().map(ApkPackage::nameVersion).collect(Collectors.toCollection(TreeSet::new));
  }
}

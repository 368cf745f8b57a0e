package dev.sealbuild.prep.alpine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.lockfiles.spec.ApkWorldEntry;
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
 * Every form of apk's world syntax a spec takes ({@link ApkWorldEntry}) resolves to the same set with {@link ApkResolver}
 * as with the real apk-tools 2.14.4 (Alpine 3.20.3 minirootfs, in a chroot): versions, fuzzy matches, conflicts and
 * provided names over the real v3.16 index; repository tags over two signed repositories built here, one tagged
 * {@code edge}, on an empty root and on a root where apk itself installed packages. apk's answers are computed at test
 * time, never stored.
 */
class ApkWorldSyntaxRealApkTest {
  private static final SigningKey KEY = SigningKey.generate("sealbuild-world-5e1f2a3b.rsa.pub");

  /** Each form over the real v3.16 index (busybox 1.35.0-r17, curl 7.83.1-r4, openssl 1.1.1s-r0, openssl3 3.0.7-r0). */
  private static final List<List<String>> FORMS_316 = List.of(
      List.of("busybox=1.35.0-r17"), List.of("busybox=1.35.0-r16"), List.of("busybox", "curl>=7.80"),
      List.of("busybox", "curl<7.84"), List.of("busybox", "curl<=7.83.1-r4"), List.of("busybox", "curl>7"),
      List.of("busybox", "curl>8"), List.of("busybox", "curl<7"), List.of("openssl~1.1"), List.of("openssl3~3.0"),
      List.of("openssl~3"), List.of("busybox>~1.35"), List.of("busybox<~1.35"), List.of("busybox", "curl", "!libcurl"),
      List.of("busybox", "curl", "!brotli-libs"), List.of("busybox", "!curl"), List.of("cmd:sh"),
      List.of("so:libc.musl-x86_64.so.1"), List.of("busybox", "pc:zlib"), List.of("busybox", "pc:zlib>=1.2"),
      List.of("/bin/sh"), List.of("busybox", "/bin/sh"), List.of("busybox", "cmd:curl"), List.of("busybox", "so:libz.so.1"));

  @Test
  void eachWorldFormResolvesLikeApkOverTheRealIndex() throws Exception {
    AlpineChroot chroot = AlpineChroot.alpine320();
    RealApk apk = new RealApk(chroot, AlpineFixtures.file("v3.16-x86_64/APKINDEX.tar.gz"), AlpineFixtures.keys(), "x86_64");
    List<RealApk.Outcome> outcomes = apk.simulate(apk.emptyRoot(), asWritten(FORMS_316));
    ApkResolver resolver = new ApkResolver(AlpineFixtures.index316().index().packages(), ApkInstalledDb.empty());
    int resolved = compare(resolver, FORMS_316, outcomes);
    assertTrue(resolved >= 15, "most forms should resolve, " + resolved + " did");
  }

  // main: foo-1.0 (needs libfoo), libfoo-1.0; edge: foo-2.0 (needs libfoo>=2), libfoo-2.0, bar-1.0 (needs libfoo)
  private static final List<List<String>> TAGGED = List.of(
      List.of("foo"), List.of("foo@edge"), List.of("bar"), List.of("bar@edge"), List.of("foo@edge<2"),
      List.of("foo@edge=2.0-r0"), List.of("libfoo@edge", "foo"), List.of("foo", "!libfoo"), List.of("foo~1"),
      List.of("foo>1"), List.of("foo@edge>1"), List.of("bar@edge", "foo"), List.of("bar@edge", "foo@edge"),
      List.of("libfoo"), List.of("libfoo>=2"), List.of("libfoo@edge>=2"));

  @Test
  void taggedRepositoriesArePinnedLikeApk() throws Exception {
    Tagged repos = tagged();
    List<RealApk.Outcome> outcomes = repos.apk().simulate(repos.apk().emptyRoot(), asWritten(TAGGED));
    int resolved = compare(repos.resolver(ApkInstalledDb.empty()), TAGGED, outcomes);
    assertTrue(resolved >= 10, "most requests should resolve, " + resolved + " did");
  }

  @Test
  void onARootApkInstalledTagsUpgradesAndConflictsResolveLikeApk() throws Exception {
    Tagged repos = tagged();
    String root = repos.apk().emptyRoot();
    repos.apk().install(root, List.of("foo"));
    Path host = repos.chroot().root().resolve(root.substring(1));
    ApkInstalledDb installed = ApkInstalledDb.parse(Files.readString(host.resolve("lib/apk/db/installed")),
        Files.readString(host.resolve("etc/apk/world")));
    assertEquals(2, installed.packages().size());
    List<List<String>> requests = List.of(List.of("foo@edge"), List.of("bar@edge"), List.of("!foo"), List.of("!libfoo"),
        List.of("libfoo@edge"), List.of("foo@edge<2"), List.of("bar"), List.of("libfoo>=2"));
    List<RealApk.Outcome> outcomes = repos.apk().simulate(root, requests);
    compare(repos.resolver(installed), requests, outcomes);
    ApkResolution removal = repos.resolver(installed).resolve(List.of("!foo"));
    assertEquals(Set.of("foo-1.0-r0", "libfoo-1.0-r0"), names(removal.toRemove()), "apk removes what only foo needed");
  }

  @Test
  void aPackageOnlyATaggedRepositoryHasIsRefusedInOneLineThatSaysWhichTag() throws Exception {
    ApkException e = assertThrows(ApkException.class, () -> tagged().resolver(ApkInstalledDb.empty()).resolve(List.of("bar")));
    assertEquals("cannot resolve Alpine packages: bar-1.0-r0 is needed (world -> bar-1.0-r0) but only a repository tagged"
        + " edge has it; request it as bar@edge (apk's pinning)", e.getMessage());
    ApkException unknown = assertThrows(ApkException.class,
        () -> tagged().resolver(ApkInstalledDb.empty()).resolve(List.of("foo@testing")));
    assertEquals("package request 'foo@testing' names tag @testing, which no repository carries; give a repository"
        + " tag: testing or drop @testing", unknown.getMessage());
  }

  private record Tagged(AlpineChroot chroot, RealApk apk, List<ApkPackage> main, List<ApkPackage> edge) {
    ApkResolver resolver(ApkInstalledDb installed) {
      return ApkResolver.of(List.of(new ApkResolver.Repository(null, main), new ApkResolver.Repository("edge", edge)),
          installed);
    }
  }

  private static Tagged tagged() throws Exception {
    AlpineChroot chroot = AlpineChroot.alpine320();
    List<TestApk.Built> main = List.of(pkg("foo", "1.0-r0", "libfoo"), pkg("libfoo", "1.0-r0"));
    List<TestApk.Built> edge = List.of(pkg("foo", "2.0-r0", "libfoo>=2"), pkg("libfoo", "2.0-r0"), pkg("bar", "1.0-r0", "libfoo"));
    Path dir = chroot.newTempDir("tagged-");
    Path keys = Files.createDirectories(dir.resolve("keys"));
    Files.writeString(keys.resolve(KEY.name()), KEY.publicPem());
    Path mainDir = repository(dir.resolve("main"), main, "main");
    Path edgeDir = repository(dir.resolve("edge"), edge, "edge");
    RealApk apk = new RealApk(chroot, List.of(new RealApk.Repo(null, mainDir), new RealApk.Repo("edge", edgeDir)), keys, "x86_64");
    return new Tagged(chroot, apk, main.stream().map(TestApks::record).toList(), edge.stream().map(TestApks::record).toList());
  }

  private static TestApk.Built pkg(String name, String version, String... depends) {
    return TestApk.pkg(name, version).depends(depends).dir("usr").dir("usr/share")
        .file("usr/share/" + name, name + " " + version + "\n").build(KEY);
  }

  private static Path repository(Path dir, List<TestApk.Built> apks, String description) throws Exception {
    Path arch = Files.createDirectories(dir.resolve("x86_64"));
    for (TestApk.Built apk : apks) {
      Files.write(arch.resolve(apk.fileName()), apk.bytes());
    }
    Files.write(arch.resolve("APKINDEX.tar.gz"), TestApkIndex.signed(apks.stream().map(TestApk.Built::indexEntry).toList(),
        description, KEY));
    return dir;
  }

  /** Each request as a spec writes it, checked by the spec's own parser. */
  private static List<List<String>> asWritten(List<List<String>> requests) {
    return requests.stream().map(r -> r.stream().map(w -> ApkWorldEntry.parse(w).toString()).toList()).toList();
  }

  /** Compares every request with apk (installs and removals); returns how many apk resolved. */
  private static int compare(ApkResolver resolver, List<List<String>> requests, List<RealApk.Outcome> outcomes) {
    List<String> mismatches = new ArrayList<>();
    int resolved = 0;
    for (int i = 0; i < requests.size(); i++) {
      RealApk.Outcome apk = outcomes.get(i);
      List<String> request = requests.get(i);
      if (!apk.ok()) {
        try {
          mismatches.add(request + ": apk fails (" + apk.output().strip().replace('\n', ' ') + ") but we resolve "
              + resolver.resolve(request).toInstall());
        } catch (ApkException expected) {
          assertFalse(expected.getMessage().contains("\n"), "one-line message");
        }
        continue;
      }
      resolved++;
      try {
        ApkResolution ours = resolver.resolve(request);
        if (!names(ours.toInstall()).equals(apk.installs()) || !names(ours.toRemove()).equals(apk.removals())) {
          mismatches.add(request + ": apk installs " + apk.installs() + " removes " + apk.removals() + " but we install "
              + names(ours.toInstall()) + " remove " + names(ours.toRemove()));
        }
      } catch (ApkException e) {
        mismatches.add(request + ": apk resolves " + apk.installs() + " but we fail: " + e.getMessage());
      }
    }
    assertEquals(List.of(), mismatches);
    return resolved;
  }

  private static Set<String> names(List<ApkPackage> packages) {
    return packages.stream().map(ApkPackage::nameVersion).collect(Collectors.toCollection(TreeSet::new));
  }
}

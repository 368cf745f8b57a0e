package dev.sealbuild.prep.debian;

import static dev.sealbuild.testsupport.deb.SyntheticRepository.pkg;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sealbuild.prep.http.TransportFixtures;
import dev.sealbuild.testsupport.Requirements;
import dev.sealbuild.testsupport.deb.SyntheticRepository;
import dev.sealbuild.testsupport.deb.TestPgp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * apt-get's request forms ({@code name=version}, {@code name/suite}) and {@code exclude:} compared with the real
 * apt-get on two generated, signed suites served from 127.0.0.1, where the second suite carries higher versions
 * (as bookworm-updates does). An excluded package is compared with apt-get on a system where it is installed: that is
 * the behaviour sealbuild promises (absent from the image, yet what it would satisfy counts as satisfied).
 */
class AptRequestEquivalenceTest {
  static final List<String> STABLE = List.of(
      pkg("app", "1.0-1", "Depends: lib (>= 1)\n"),
      pkg("app", "0.9-1", "Depends: oldlib\n"),
      pkg("lib", "1", ""),
      pkg("oldlib", "1", ""),
      pkg("tool", "1", "Depends: lib\n"),
      pkg("strict", "1", "Depends: lib (<< 2), helper (>= 1)\n"),
      pkg("helper", "1", "Depends: lib (<< 2)\n"),
      pkg("conf-user", "1", "Depends: conf | conf-2.0, base-lib\n"),
      pkg("conf-user2", "1", "Pre-Depends: conf (>= 0.5) | conf-2.0\n"),
      pkg("conf", "1.5", "Provides: conf-2.0\nDepends: conf-dep\n"),
      pkg("cconf", "1", "Provides: conf-2.0\nDepends: cconf-dep1, cconf-dep2\n"),
      pkg("conf-dep", "1", ""),
      pkg("cconf-dep1", "1", ""),
      pkg("cconf-dep2", "1", ""),
      pkg("base-lib", "1", ""),
      pkg("alt-user", "1", "Depends: skipped-alt | other-alt\n"),
      pkg("skipped-alt", "1", ""),
      pkg("other-alt", "1", ""),
      pkg("new-conf-user", "1", "Depends: conf (>= 2) | cconf\n"));
  static final List<String> UPDATES = List.of(
      pkg("tool", "2", "Depends: lib (>= 2)\n"),
      pkg("strict", "2", "Depends: lib (>= 2)\n"),
      pkg("helper", "2", "Depends: lib (>= 2)\n"),
      pkg("lib", "2", ""));

  @TempDir
  static Path tmp;
  static SyntheticRepository stable;
  static SyntheticRepository updates;
  static DebianResolver resolver;
  static AptReference apt;

  @BeforeAll
  static void setUp() throws Exception {
    Requirements.require(Files.isExecutable(Path.of("/usr/bin/apt-get")), "apt-get is not installed");
    TestPgp.Key key = TestPgp.newKey("Synthetic <synthetic@example.org>");
    stable = new SyntheticRepository(SyntheticRepository.Spec.simple("stable"), key, STABLE);
    updates = new SyntheticRepository(SyntheticRepository.Spec.simple("stable-updates"), key, UPDATES);
    Path keyring = tmp.resolve("synthetic.gpg");
    Files.write(keyring, key.keyringBytes());
    List<DebianRepositoryIndex> indexes = new ArrayList<>();
    List<String> sources = new ArrayList<>();
    for (SyntheticRepository repo : List.of(stable, updates)) {
      String suite = repo == stable ? "stable" : "stable-updates";
      indexes.add(new DebianRepositoryReader(
          new TransportMetadataSource(TransportFixtures.transport(2), repo.base(), "repository '" + suite + "'"),
          InReleaseVerifier.fromKeyringFile(keyring), Clock.systemUTC(), false)
          .read(suite, suite, List.of("main"), "amd64"));
      sources.add(AptReference.sourceLine(repo.base(), suite, List.of("main"), "amd64", keyring));
    }
    resolver = new DebianResolver(indexes);
    apt = new AptReference(tmp.resolve("apt"), sources, "amd64");
  }

  @AfterAll
  static void stop() {
    for (SyntheticRepository repo : new SyntheticRepository[] {stable, updates}) {
      if (repo != null) {
        repo.close();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"app", "app=0.9-1", "app=1.0-1", "tool", "tool/stable", "tool/stable-updates",
      "strict/stable", "helper/stable", "tool=1"})
  void choosesWhatAptGetChooses(String request) throws Exception {
    assertEquals(apt.simulateInstall(request), resolve(List.of(request), Set.of()));
  }

  @Test
  void severalFormsTogether() throws Exception {
    List<String> request = List.of("app=0.9-1", "tool/stable", "conf-user");
    assertEquals(apt.simulateInstall(request.toArray(String[]::new)), resolve(request, Set.of()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"app=7", "app/unstable", "helper=1", "strict=1"})
  void failsWhereAptGetFails(String request) throws Exception {
    assertEquals(100, apt.simulate(request).exit(), "apt-get refuses it too");
    assertThrows(DebianResolutionException.class, () -> resolve(List.of(request), Set.of()));
  }

  @Test
  void anExcludedPackageCountsAsPresentAsAnInstalledOneDoesForAptGet() throws Exception {
    List<String> request = List.of("conf-user", "conf-user2", "alt-user", "new-conf-user");
    Set<String> sealbuild = resolve(request, Set.of("conf", "skipped-alt"));
    Set<String> reference;
    try {
      apt.installed(List.of("conf 1.5 conf-2.0", "skipped-alt 1"));
      reference = apt.simulateInstall(request.toArray(String[]::new));
    } finally {
      apt.installed(List.of());
    }
    assertEquals(reference, sealbuild);
    assertEquals(Set.of("base-lib=1", "conf-user=1"), resolve(List.of("conf-user"), Set.of("conf")),
        "the other provider of conf-2.0 is not pulled in place of excluded conf");
  }

  private static Set<String> resolve(List<String> request, Set<String> exclude) throws DebianResolutionException {
    return resolver.resolve(request, exclude).packages().stream()
        .map(ResolvedDebianPackage::nameAndVersion).collect(Collectors.toCollection(TreeSet::new));
  }
}

package dev.sealbuild.prep.debian;

import dev.sealbuild.prep.http.TransportFixtures;
import static dev.sealbuild.testsupport.deb.SyntheticRepository.pkg;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sealbuild.testsupport.Requirements;
import dev.sealbuild.testsupport.deb.SyntheticRepository;
import dev.sealbuild.testsupport.deb.TestPgp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
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
 * The corner cases of apt's choices that the real archive rarely exercises (provider ties broken by apt's package
 * IDs, a missing Priority, Essential and Important providers, versioned Provides, {@code :any}, a failed alternative
 * that leaves its dependencies behind), compared with the real apt-get on a generated, signed repository.
 */
class SyntheticAptEquivalenceTest {
  static final List<String> STANZAS = List.of(
      pkg("app-tie", "1", "Depends: virt-tie\n"),
      pkg("zeta", "1", "Provides: virt-tie\n"),
      pkg("alpha", "1", "Provides: virt-tie\n"),
      pkg("app-tie2", "1", "Depends: virt-tie2\nSuggests: beta2\n"),
      pkg("gamma2", "1", "Provides: virt-tie2\n"),
      pkg("beta2", "1", "Provides: virt-tie2\n"),
      pkg("app-noprio", "1", "Depends: virt-np\n"),
      pkg("np-required", "1", "Provides: virt-np\nPriority: required\n"),
      pkg("np-none", "1", "Provides: virt-np\nNo-Priority: here\n"),
      pkg("app-ess", "1", "Depends: virt-ess\n"),
      pkg("ess-opt", "1", "Provides: virt-ess\nEssential: yes\n"),
      pkg("req", "1", "Provides: virt-ess\nPriority: required\n"),
      pkg("app-imp", "1", "Depends: virt-imp\n"),
      pkg("imp", "1", "Provides: virt-imp\nProtected: yes\n"),
      pkg("std", "1", "Provides: virt-imp\nPriority: standard\n"),
      pkg("app-vprov", "1", "Depends: vp (>= 2)\n"),
      pkg("vp-plain", "1", "Provides: vp\n"),
      pkg("vp-new", "1", "Provides: vp (= 3)\n"),
      pkg("vp-old", "1", "Provides: vp (= 1)\n"),
      pkg("app-any", "1", "Depends: interp:any (>= 2)\n"),
      pkg("interp", "2.1", "Multi-Arch: allowed\n"),
      pkg("app-quirk", "1", "Depends: first-choice | second-choice\n"),
      pkg("first-choice", "1", "Depends: pulled-in, broken-deep\n"),
      pkg("pulled-in", "1", ""),
      pkg("broken-deep", "1", "Depends: nonexistent-xyz\n"),
      pkg("second-choice", "1", ""),
      pkg("app-dual", "1", "Depends: dual\n"),
      pkg("other-dual", "1", "Provides: dual\nPriority: required\n"),
      pkg("dual", "1", ""),
      pkg("app-rv", "1", "Depends: rv (>= 2)\n"),
      pkg("rv", "1", ""),
      pkg("rv-prov", "1", "Provides: rv (= 2)\n"),
      pkg("app-pre", "1", "Pre-Depends: virt-tie | alpha\nDepends: zeta\n"),
      pkg("app-all", "1", "Depends: data-all\n"),
      pkg("data-all", "1", "all", "Depends: virt-np\n"),
      pkg("app-broken", "1", "Depends: first-choice\n"),
      pkg("app-quirk2", "1", "Depends: first-choice | second-choice\nRecommends: pulled-in\n"),
      pkg("app-vany", "1", "Depends: vany:any\n"),
      pkg("pf", "1", "Multi-Arch: foreign\nProvides: vany\nPriority: required\n"),
      pkg("pa", "1", "Multi-Arch: allowed\nProvides: vany\n"),
      pkg("single-provider", "1", "Provides: virt-single\n"),
      pkg("multi", "2", ""),
      pkg("multi", "1", ""),
      pkg("app-multi-new", "1", "Depends: multi (>= 2)\n"),
      pkg("app-multi-old", "1", "Depends: multi (<< 2)\n"));

  @TempDir
  static Path tmp;
  static SyntheticRepository repo;
  static DebianResolver resolver;
  static AptReference apt;

  @BeforeAll
  static void setUp() throws Exception {
    Requirements.require(Files.isExecutable(Path.of("/usr/bin/apt-get")), "apt-get is not installed");
    TestPgp.Key key = TestPgp.newKey("Synthetic <synthetic@example.org>");
    repo = new SyntheticRepository(SyntheticRepository.Spec.simple("synthetic"), key, STANZAS);
    Path keyring = tmp.resolve("synthetic.gpg");
    Files.write(keyring, key.keyringBytes());
    DebianRepositoryIndex index = new DebianRepositoryReader(new TransportMetadataSource(TransportFixtures.transport(2), repo.base(), "repository 'synthetic'"),
        InReleaseVerifier.fromKeyringFile(keyring), Clock.systemUTC(), false)
        .read("synthetic", "synthetic", List.of("main"), "amd64");
    resolver = new DebianResolver(List.of(index));
    apt = new AptReference(tmp.resolve("apt"), repo.base(), "synthetic", List.of("main"), "amd64", keyring);
  }

  @AfterAll
  static void stop() {
    if (repo != null) {
      repo.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"app-tie", "app-tie2", "app-noprio", "app-ess", "app-imp", "app-vprov", "app-any",
      "app-quirk", "app-dual", "app-rv", "app-pre", "app-all", "app-quirk2", "app-vany", "virt-single",
      "app-multi-new"})
  void choosesWhatAptGetChooses(String pkg) throws Exception {
    assertEquals(apt.simulateInstall(pkg), resolve(pkg));
  }

  @Test
  void severalRequestsTogether() throws Exception {
    String[] request = {"app-quirk", "app-tie", "app-pre", "app-noprio", "app-all"};
    assertEquals(apt.simulateInstall(request), resolve(request));
  }

  @ParameterizedTest
  @ValueSource(strings = {"app-broken", "app-multi-old"})
  void failsWhereAptGetFails(String pkg) throws Exception {
    assertEquals(100, apt.simulate(pkg).exit(), "apt-get cannot install it either");
    assertThrows(DebianResolutionException.class, () -> resolve(pkg));
  }

  private static Set<String> resolve(String... request) throws DebianResolutionException {
    return resolver.resolve(List.of(request), Set.of()).packages().stream()
        .map(ResolvedDebianPackage::nameAndVersion).collect(Collectors.toCollection(TreeSet::new));
  }
}

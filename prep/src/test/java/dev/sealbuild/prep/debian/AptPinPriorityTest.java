package dev.sealbuild.prep.debian;

import static dev.sealbuild.testsupport.deb.SyntheticRepository.pkg;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.prep.http.TransportFixtures;
import dev.sealbuild.testsupport.Requirements;
import dev.sealbuild.testsupport.deb.SyntheticRepository;
import dev.sealbuild.testsupport.deb.TestPgp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A repository entry's {@code priority:} against the real apt-get with the same Pin-Priority in an apt preferences
 * file, over three generated signed suites on 127.0.0.1: stable, stable-updates (higher versions) and
 * stable-backports (NotAutomatic and ButAutomaticUpgrades, higher still: apt's default pin 100).
 */
class AptPinPriorityTest {
  static final List<String> STABLE = List.of(
      pkg("tool", "1", "Depends: lib (>= 1)\n"),
      pkg("lib", "1", ""),
      pkg("app", "1", "Depends: lib\n"));
  static final List<String> UPDATES = List.of(
      pkg("tool", "2", "Depends: lib (>= 2)\n"),
      pkg("lib", "2", ""));
  static final List<String> BACKPORTS = List.of(
      pkg("tool", "3", "Depends: lib (>= 3)\n"),
      pkg("lib", "3", ""),
      pkg("app", "3", "Depends: lib (>= 3)\n"),
      pkg("onlybp", "1", "Depends: lib\n"));
  static final List<String> SUITES = List.of("stable", "stable-updates", "stable-backports");
  static final String[] REQUESTS = {"tool", "app", "onlybp", "tool/stable", "app/stable-backports"};

  @TempDir
  static Path tmp;
  static final List<SyntheticRepository> repos = new ArrayList<>();
  static final List<DebianRepositoryIndex> indexes = new ArrayList<>();
  static final List<String> sources = new ArrayList<>();

  @BeforeAll
  static void setUp() throws Exception {
    Requirements.require(Files.isExecutable(Path.of("/usr/bin/apt-get")), "apt-get is not installed");
    TestPgp.Key key = TestPgp.newKey("Synthetic <synthetic@example.org>");
    Path keyring = tmp.resolve("synthetic.gpg");
    Files.write(keyring, key.keyringBytes());
    for (String suite : SUITES) {
      SyntheticRepository.Spec spec = SyntheticRepository.Spec.simple(suite);
      if (suite.endsWith("backports")) {
        spec = spec.withExtraReleaseFields("NotAutomatic: yes\nButAutomaticUpgrades: yes\n");
      }
      SyntheticRepository repo = new SyntheticRepository(spec, key,
          suite.equals("stable") ? STABLE : suite.endsWith("updates") ? UPDATES : BACKPORTS);
      repos.add(repo);
      indexes.add(new DebianRepositoryReader(new TransportMetadataSource(TransportFixtures.transport(2), repo.base(),
          "repository '" + suite + "'"), InReleaseVerifier.fromKeyringFile(keyring), Clock.systemUTC(), false)
          .read(suite, suite, List.of("main"), "amd64"));
      sources.add(AptReference.sourceLine(repo.base(), suite, List.of("main"), "amd64", keyring));
    }
    assertEquals(100, indexes.get(2).pinPriority(), "apt's default pin of a NotAutomatic, ButAutomaticUpgrades suite");
  }

  @AfterAll
  static void stop() {
    repos.forEach(SyntheticRepository::close);
  }

  static Stream<Arguments> pins() {
    return Stream.of(
        Arguments.of(Map.of()),
        Arguments.of(Map.of("stable-updates", 100)),
        Arguments.of(Map.of("stable-backports", 500)),
        Arguments.of(Map.of("stable-backports", 990, "stable-updates", 990)),
        Arguments.of(Map.of("stable", 1001)),
        Arguments.of(Map.of("stable", 1001, "stable-backports", 1002)),
        Arguments.of(Map.of("stable-updates", -1)),
        Arguments.of(Map.of("stable-updates", 50, "stable", 40)));
  }

  @ParameterizedTest
  @MethodSource("pins")
  void theCandidateIsAptGetsWithTheSamePinPriorities(Map<String, Integer> pins) throws Exception {
    DebianResolver resolver = new DebianResolver(pinned(pins));
    AptReference apt = apt(pins);
    for (String request : REQUESTS) {
      assertEquals(apt.simulateInstall(request), resolve(resolver, request), request + " with " + pins);
    }
  }

  @Test
  void aPackageOnlyInANegativelyPinnedSuiteIsNotInstalledAsAptGetDoesNot() throws Exception {
    Map<String, Integer> pins = Map.of("stable-backports", -1);
    AptReference apt = apt(pins);
    assertEquals(100, apt.simulate("onlybp").exit(), "apt-get: no installation candidate");
    DebianResolver resolver = new DebianResolver(pinned(pins));
    DebianResolutionException e = assertThrows(DebianResolutionException.class, () -> resolve(resolver, "onlybp"));
    assertEquals("package onlybp has no installation candidate: every version of onlybp is in a repository whose"
        + " priority is below 0 (stable-backports 1 priority -1); raise that entry's priority: or request onlybp=VERSION",
        e.getMessage());
    for (String request : new String[] {"tool", "app", "onlybp=1", "onlybp/stable-backports", "tool/stable-backports"}) {
      assertEquals(apt.simulateInstall(request), resolve(resolver, request), request);
    }
  }

  private static List<DebianRepositoryIndex> pinned(Map<String, Integer> pins) {
    return indexes.stream().map(i -> pins.containsKey(i.suite()) ? i.withPinPriority(pins.get(i.suite())) : i).toList();
  }

  private static AptReference apt(Map<String, Integer> pins) throws Exception {
    Path root = Files.createTempDirectory(tmp, "apt");
    AptReference apt = new AptReference(root, sources, "amd64");
    StringBuilder preferences = new StringBuilder();
    new LinkedHashMap<>(pins).forEach((suite, priority) -> preferences.append("Package: *\nPin: release a=")
        .append(suite).append("\nPin-Priority: ").append(priority).append("\n\n"));
    apt.preferences(preferences.toString());
    return apt;
  }

  private static Set<String> resolve(DebianResolver resolver, String request) throws DebianResolutionException {
    Set<String> out = resolver.resolve(List.of(request), Set.of()).packages().stream()
        .map(ResolvedDebianPackage::nameAndVersion).collect(Collectors.toCollection(TreeSet::new));
    assertTrue(!out.isEmpty());
    return out;
  }
}

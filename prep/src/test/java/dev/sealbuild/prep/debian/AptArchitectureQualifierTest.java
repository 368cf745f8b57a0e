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
import java.time.Instant;
import java.util.List;
import java.util.Map;
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
 * {@code name:arch} requests against the real apt-get, over one generated signed suite served from 127.0.0.1 with an
 * amd64 and an arm64 index. What sealbuild accepts (the platform's own architecture, {@code :native}, {@code :all},
 * {@code :any}, and a Multi-Arch: foreign package of another architecture whose closure there is Multi-Arch: foreign
 * packages) gives what apt-get installs with arm64 enabled ({@code dpkg --add-architecture arm64}); what it
 * refuses (a foreign-architecture package that is Multi-Arch: same or no, or needs one) apt-get refuses too when
 * only amd64 is enabled, and sealbuild says so in one line.
 */
class AptArchitectureQualifierTest {
  static final List<String> AMD64 = List.of(
      pkg("app", "1", "Depends: ftool\n"),
      pkg("ftool", "1", "Multi-Arch: foreign\nDepends: fdata\n"),
      pkg("fdata", "1", "all", "Multi-Arch: foreign\n"),
      pkg("docs", "1", "all", ""),
      pkg("lib", "1", "Multi-Arch: same\n"),
      pkg("tool", "1", "Multi-Arch: foreign\nDepends: lib\n"),
      pkg("plain", "1", ""));
  static final List<String> ARM64 = List.of(
      pkg("ftool", "1", "arm64", "Multi-Arch: foreign\nDepends: fdata\n"),
      pkg("fdata", "1", "all", "Multi-Arch: foreign\n"),
      pkg("docs", "1", "all", ""),
      pkg("dtool", "1", "arm64", "Multi-Arch: foreign\nDepends: docs\n"),
      pkg("lib", "1", "arm64", "Multi-Arch: same\n"),
      pkg("tool", "1", "arm64", "Multi-Arch: foreign\nDepends: lib\n"),
      pkg("plain", "1", "arm64", ""),
      pkg("onlyarm", "2", "arm64", "Multi-Arch: foreign\n"));

  @TempDir
  static Path tmp;
  static SyntheticRepository amd64;
  static SyntheticRepository arm64;
  static DebianResolver resolver;
  static AptReference aptWithArm64;
  static AptReference aptAmd64Only;

  @BeforeAll
  static void setUp() throws Exception {
    Requirements.require(Files.isExecutable(Path.of("/usr/bin/apt-get")), "apt-get is not installed");
    TestPgp.Key key = TestPgp.newKey("Synthetic <synthetic@example.org>");
    Instant date = Instant.now().minusSeconds(3600);
    amd64 = new SyntheticRepository(new SyntheticRepository.Spec("stable", "stable", "main", "amd64", date, null, true,
        Set.of("xz", "gz"), ""), key, AMD64);
    arm64 = new SyntheticRepository(new SyntheticRepository.Spec("stable", "stable", "main", "arm64", date, null, true,
        Set.of("xz", "gz"), ""), key, ARM64);
    Path keyring = tmp.resolve("synthetic.gpg");
    Files.write(keyring, key.keyringBytes());
    resolver = new DebianResolver(List.of(read(amd64, "amd64", keyring)), Map.of("arm64", List.of(read(arm64, "arm64", keyring))));
    List<String> sources = List.of(
        AptReference.sourceLine(amd64.base(), "stable", List.of("main"), "amd64", keyring),
        AptReference.sourceLine(arm64.base(), "stable", List.of("main"), "arm64", keyring));
    aptWithArm64 = new AptReference(tmp.resolve("apt-arm64"), sources, "amd64", List.of("arm64"));
    aptAmd64Only = new AptReference(tmp.resolve("apt-amd64"), sources.subList(0, 1), "amd64");
  }

  private static DebianRepositoryIndex read(SyntheticRepository repo, String arch, Path keyring) throws Exception {
    return new DebianRepositoryReader(new TransportMetadataSource(TransportFixtures.transport(2), repo.base(),
        "repository 'stable'"), InReleaseVerifier.fromKeyringFile(keyring), Clock.systemUTC(), false)
        .read("stable", "stable", List.of("main"), arch);
  }

  @AfterAll
  static void stop() {
    for (SyntheticRepository repo : new SyntheticRepository[] {amd64, arm64}) {
      if (repo != null) {
        repo.close();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ftool:arm64", "onlyarm:arm64", "app ftool:arm64", "fdata:arm64 app",
      "ftool:amd64", "tool:native", "fdata:all", "plain:all", "plain:any", "plain:amd64=1", "app:amd64/stable"})
  void installsWhatAptGetInstallsWithThatArchitectureEnabled(String request) throws Exception {
    String[] requests = request.split(" ");
    assertEquals(aptWithArm64.simulateInstall(requests), resolve(requests));
  }

  @ParameterizedTest
  @ValueSource(strings = {"tool:arm64", "plain:arm64", "lib:arm64", "lib:arm64=1"})
  void refusesInOneLineWhereAptGetWithoutThatArchitectureRefuses(String request) throws Exception {
    assertEquals(100, aptAmd64Only.simulate(request).exit(), "apt-get refuses it without arm64 enabled");
    DebianResolutionException e = assertThrows(DebianResolutionException.class, () -> resolve(request));
    assertEquals(DebianResolutionException.Kind.FOREIGN_ARCHITECTURE, e.kind());
    assertTrue(e.getMessage().startsWith("package '" + request + "' for amd64: ") && !e.getMessage().contains("\n")
        && e.getMessage().endsWith("add linux/arm64 to platforms or drop ':arm64'"), e.getMessage());
  }

  @Test
  void aForeignPackageNeedingAnAllPackageThatIsNotForeignIsRefusedAsAptGetWithArm64RefusesIt() throws Exception {
    assertEquals(100, aptWithArm64.simulate("dtool:arm64").exit(), "apt-get counts docs (all) as amd64's");
    DebianResolutionException e = assertThrows(DebianResolutionException.class, () -> resolve("dtool:arm64"));
    assertEquals("package 'dtool:arm64' for amd64: it needs docs 1 all, which is Multi-Arch: no, so apt cannot install"
        + " it for arm64 either; drop ':arm64'", e.getMessage());
  }

  @Test
  void oneNameForTwoArchitecturesIsRefusedAsAptGetRefusesIt() throws Exception {
    assertEquals(100, aptWithArm64.simulate("ftool:arm64", "ftool").exit(), "apt-get: ftool conflicts with ftool:arm64");
    DebianResolutionException e = assertThrows(DebianResolutionException.class, () -> resolve("ftool:arm64", "ftool"));
    assertEquals("package ftool is requested for amd64 (ftool) and for arm64 (ftool:arm64); keep one", e.getMessage());
  }

  @Test
  void theRefusalNamesThePackageThatIsNotForeign() {
    DebianResolutionException e = assertThrows(DebianResolutionException.class, () -> resolve("tool:arm64"));
    assertTrue(e.getMessage().contains("it needs lib 1 arm64, which is Multi-Arch: same"), e.getMessage());
  }

  @Test
  void anArchitectureWithoutAnIndexIsNamed() {
    DebianResolutionException e = assertThrows(DebianResolutionException.class, () -> resolve("ftool:riscv64"));
    assertTrue(e.getMessage().contains("no riscv64 index was read"), e.getMessage());
  }

  /** apt's {@code Inst} names: {@code name:arch} for another architecture than amd64. */
  private static Set<String> resolve(String... request) throws DebianResolutionException {
    return resolver.resolve(List.of(request), Set.of()).packages().stream()
        .map(p -> p.name() + (p.architecture().equals("amd64") || p.architecture().equals("all") ? "" : ":" + p.architecture())
            + "=" + p.version().text())
        .collect(Collectors.toCollection(TreeSet::new));
  }
}

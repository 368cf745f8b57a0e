package dev.sealbuild.prep.debian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.lockfiles.lock.LockedPackage;
import dev.sealbuild.lockfiles.spec.BuildSpec;
import dev.sealbuild.lockfiles.spec.SpecReader;
import dev.sealbuild.prep.http.TransportFixtures;
import dev.sealbuild.prep.packages.DebianLocker;
import dev.sealbuild.prep.packages.LockedBase;
import dev.sealbuild.prep.packages.Mirrors;
import dev.sealbuild.prep.packages.PackageLocker;
import dev.sealbuild.testsupport.Requirements;
import dev.sealbuild.testsupport.deb.SyntheticRepository;
import dev.sealbuild.testsupport.deb.TestPgp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A security suite as Debian publishes it (a separate suite, on a separate host, signed by its own key) beside the host
 * mirror's bookworm and bookworm-updates: the test builds a signed "bookworm-security" repository on 127.0.0.1 with
 * its own OpenPGP key, whose index carries higher versions of the real libssl3 and openssl (their real stanzas, the
 * version raised as a security update raises it; openssl needing the new libssl3). sealbuild must pick what the real
 * {@code apt-get -s install} picks over the same three sources on an empty status: the security versions, and for
 * {@code name/bookworm} the main suite's.
 */
class SecuritySuiteAptEquivalenceTest {
  static final String COMPONENT = "main";
  static final String ARCH = "amd64";
  static final String SECURITY = "bookworm-security";

  @TempDir
  static Path tmp;
  static MirrorProxy mainProxy;
  static MirrorProxy updatesProxy;
  static SyntheticRepository security;
  static Path hostKeyring;
  static Path securityKeyring;
  static List<DebianRepositoryIndex> indexes;
  static DebianResolver resolver;
  static AptReference apt;
  /** name to the version the security suite carries. */
  static final Map<String, String> securityVersions = new java.util.TreeMap<>();
  static final Map<String, String> mainVersions = new java.util.TreeMap<>();

  @BeforeAll
  static void setUp() throws Exception {
    Requirements.require(Files.isExecutable(Path.of("/usr/bin/apt-get")), "apt-get is not installed");
    Optional<AptSources.Source> main = AptSources.host().find("bookworm", COMPONENT);
    Optional<AptSources.Source> updates = AptSources.host().find("bookworm-updates", COMPONENT);
    Requirements.require(main.isPresent() && updates.isPresent(),
        "the host's apt sources have no bookworm and bookworm-updates main entries");
    hostKeyring = main.get().signedBy().orElse(DebianLocker.DEFAULT_KEYRING);
    mainProxy = new MirrorProxy(main.get().uri(), Files.createDirectories(tmp.resolve("main")));
    updatesProxy = new MirrorProxy(updates.get().uri(), Files.createDirectories(tmp.resolve("updates")));
    DebianRepositoryIndex mainIndex = read(mainProxy, "debian", "bookworm", hostKeyring);
    DebianRepositoryIndex updatesIndex = read(updatesProxy, "debian-updates", "bookworm-updates", hostKeyring);

    List<String> stanzas = new ArrayList<>();
    DebianPackage libssl = newest("libssl3", mainIndex, updatesIndex);
    DebianPackage openssl = newest("openssl", mainIndex, updatesIndex);
    String libsslVersion = libssl.version().text() + "+sec1";
    stanzas.add(stanza(libssl, libsslVersion, libssl.relations().depends()));
    stanzas.add(stanza(openssl, openssl.version().text() + "+sec1",
        openssl.relations().depends() + ", libssl3 (>= " + libsslVersion + ")"));
    for (String name : List.of("libssl3", "openssl")) {
      mainVersions.put(name, newest(name, mainIndex).version().text());
    }
    TestPgp.Key key = TestPgp.newKey("Security Archive <security@sealbuild.invalid>");
    security = new SyntheticRepository(new SyntheticRepository.Spec(SECURITY, SECURITY, COMPONENT, ARCH,
        Instant.now().minusSeconds(3600), null, true, Set.of("xz", "gz"), ""), key, stanzas);
    securityKeyring = tmp.resolve("security.gpg");
    Files.write(securityKeyring, key.keyringBytes());
    DebianRepositoryIndex securityIndex = read(security, "debian-security", SECURITY, securityKeyring);
    securityIndex.packages().forEach(p -> securityVersions.put(p.name(), p.version().text()));
    indexes = List.of(mainIndex, updatesIndex, securityIndex);
    resolver = new DebianResolver(indexes);
    apt = new AptReference(tmp.resolve("apt"), List.of(
        AptReference.sourceLine(mainProxy.base(), "bookworm", List.of(COMPONENT), ARCH, hostKeyring),
        AptReference.sourceLine(updatesProxy.base(), "bookworm-updates", List.of(COMPONENT), ARCH, hostKeyring),
        AptReference.sourceLine(security.base(), SECURITY, List.of(COMPONENT), ARCH, securityKeyring)), ARCH);
  }

  @AfterAll
  static void stop() {
    Stream.of(mainProxy, updatesProxy).filter(java.util.Objects::nonNull).forEach(MirrorProxy::close);
    if (security != null) {
      security.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"openssl", "curl", "ca-certificates", "libssl3", "python3-minimal"})
  void theSecurityVersionsWinAsInAptGet(String pkg) throws Exception {
    DebianResolution resolution = resolver.resolve(List.of(pkg), Set.of());
    assertEquals(apt.simulateInstall(pkg), names(resolution), pkg);
    ResolvedDebianPackage libssl = resolution.packages().stream().filter(p -> p.name().equals("libssl3")).findFirst()
        .orElseThrow(() -> new AssertionError(pkg + " pulls libssl3"));
    assertEquals(securityVersions.get("libssl3"), libssl.version().text());
    assertEquals("debian-security", libssl.repository());
  }

  @ParameterizedTest
  @ValueSource(strings = {"openssl/bookworm", "libssl3/bookworm", "openssl/bookworm-security"})
  void aSuiteRequestPicksThatSuiteAsInAptGet(String request) throws Exception {
    DebianResolution resolution = resolver.resolve(List.of(request), Set.of());
    assertEquals(apt.simulateInstall(request), names(resolution), request);
    String name = request.substring(0, request.indexOf('/'));
    String version = resolution.packages().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow()
        .version().text();
    assertEquals(request.endsWith("/bookworm") ? mainVersions.get(name) : securityVersions.get(name), version, request);
  }

  @Test
  void theLockRecordsTheSecurityVersionsWithTheirRepository(@TempDir Path dir) throws Exception {
    Files.copy(securityKeyring, dir.resolve("security.gpg"));
    BuildSpec spec = new SpecReader(Map.of()).parse("build.yaml", """
        name: secure
        repositories:
          - {name: debian, type: debian, suite: bookworm, keyring: %1$s}
          - {name: debian-updates, type: debian, suite: bookworm-updates, keyring: %1$s}
          - {name: debian-security, type: debian, suite: bookworm-security, keyring: security.gpg}
        packages: [openssl, libssl3/bookworm]
        """.formatted(hostKeyring));
    DebianLocker locker = new DebianLocker(new Mirrors(Map.of("debian", mainProxy.base(), "debian-updates",
        updatesProxy.base(), "debian-security", security.base()), AptSources.host()), TransportFixtures.transport(2), dir,
        Clock.systemUTC(), false, message -> { });
    PackageLocker.Pinned pinned;
    try {
      pinned = locker.lock(spec, new LockedBase(null, null));
      throw new AssertionError("openssl from security needs the security libssl3, which libssl3/bookworm refuses: "
          + pinned.packages());
    } catch (dev.sealbuild.prep.packages.PackageException e) {
      assertTrue(!e.getMessage().contains("\n") && e.getMessage().contains("openssl"), e.getMessage());
      assertEquals(100, apt.simulate("openssl", "libssl3/bookworm").exit(), "apt-get cannot install both either");
    }
    pinned = locker.lock(new SpecReader(Map.of()).parse("build.yaml", """
        name: secure
        repositories:
          - {name: debian, type: debian, suite: bookworm, keyring: %1$s}
          - {name: debian-updates, type: debian, suite: bookworm-updates, keyring: %1$s}
          - {name: debian-security, type: debian, suite: bookworm-security, keyring: security.gpg}
        packages: [openssl]
        """.formatted(hostKeyring)), new LockedBase(null, null));
    LockedPackage libssl = pinned.packages().stream().filter(p -> p.name().equals("libssl3")).findFirst().orElseThrow();
    assertEquals(securityVersions.get("libssl3") + " debian-security", libssl.version() + " " + libssl.repository());
    assertTrue(pinned.repositories().stream().anyMatch(r -> r.name().equals("debian-security")), pinned.repositories().toString());
  }

  private static Set<String> names(DebianResolution resolution) {
    return resolution.packages().stream().map(ResolvedDebianPackage::nameAndVersion)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static DebianPackage newest(String name, DebianRepositoryIndex... in) {
    return Stream.of(in).flatMap(i -> i.packages().stream()).filter(p -> p.name().equals(name))
        .max(Comparator.comparing(DebianPackage::version)).orElseThrow(() -> new AssertionError("no " + name));
  }

  /** A stanza for a package as a security update of {@code p} would list it: same fields, a new version. */
  private static String stanza(DebianPackage p, String version, String depends) {
    DebianPackage.RelationFields f = p.relations();
    StringBuilder fields = new StringBuilder();
    appendField(fields, "Source", p.source());
    appendField(fields, "Multi-Arch", p.multiArch() == DebianPackage.MultiArch.NO ? ""
        : p.multiArch().name().toLowerCase(java.util.Locale.ROOT));
    appendField(fields, "Priority", p.priority());
    appendField(fields, "Pre-Depends", f.preDepends());
    appendField(fields, "Depends", depends);
    appendField(fields, "Breaks", f.breaks());
    appendField(fields, "Conflicts", f.conflicts());
    appendField(fields, "Provides", f.provides());
    appendField(fields, "Replaces", f.replaces());
    appendField(fields, "Recommends", f.recommends());
    appendField(fields, "Suggests", f.suggests());
    return SyntheticRepository.pkg(p.name(), version, p.architecture(), fields.toString());
  }

  private static void appendField(StringBuilder out, String field, String value) {
    if (!value.isEmpty()) {
      out.append(field).append(": ").append(value).append('\n');
    }
  }

  private static DebianRepositoryIndex read(MirrorProxy mirror, String name, String suite, Path keyring) throws Exception {
    return new DebianRepositoryReader(new TransportMetadataSource(TransportFixtures.transport(2), mirror.base(),
        "repository '" + name + "'"), InReleaseVerifier.fromKeyringFile(keyring), Clock.systemUTC(), false)
        .read(name, suite, List.of(COMPONENT), ARCH);
  }

  private static DebianRepositoryIndex read(SyntheticRepository repo, String name, String suite, Path keyring) throws Exception {
    return new DebianRepositoryReader(new TransportMetadataSource(TransportFixtures.transport(2), repo.base(),
        "repository '" + name + "'"), InReleaseVerifier.fromKeyringFile(keyring), Clock.systemUTC(), false)
        .read(name, suite, List.of(COMPONENT), ARCH);
  }
}

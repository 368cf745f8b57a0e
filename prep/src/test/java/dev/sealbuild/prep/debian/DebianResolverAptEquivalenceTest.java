package dev.sealbuild.prep.debian;

import dev.sealbuild.prep.http.TransportException;
import dev.sealbuild.prep.http.TransportFixtures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.prep.debian.DebianMetadataException.Kind;
import dev.sealbuild.testsupport.Requirements;
import dev.sealbuild.testsupport.deb.TestPgp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Against the real Debian mirror from the host's apt configuration (bookworm, main, amd64): the resolver must pick
 * exactly the packages and versions the real {@code apt-get -s install} picks, and the reader must refuse every kind
 * of tampering. The mirror is reached through a caching {@link MirrorProxy} on 127.0.0.1, so the 9 MB index is
 * downloaded once for the class and apt-get reads the very same bytes.
 */
class DebianResolverAptEquivalenceTest {
  static final String SUITE = "bookworm";
  static final String COMPONENT = "main";
  static final String ARCH = "amd64";
  static final String IN_RELEASE = "dists/" + SUITE + "/InRelease";

  @TempDir
  static Path tmp;
  static MirrorProxy proxy;
  static Path keyring;
  static DebianRepositoryIndex index;
  static DebianResolver resolver;
  static AptReference apt;

  @BeforeAll
  static void readTheRealRepositoryOnce() throws Exception {
    Optional<AptSources.Source> source = AptSources.host().find(SUITE, COMPONENT);
    Requirements.require(source.isPresent(), "the host's apt sources have no " + SUITE + " " + COMPONENT + " entry");
    keyring = source.get().signedBy().orElse(Path.of("/usr/share/keyrings/debian-archive-keyring.gpg"));
    proxy = new MirrorProxy(source.get().uri(), Files.createDirectories(tmp.resolve("mirror")));
    index = reader().read("debian", SUITE, List.of(COMPONENT), ARCH);
    resolver = new DebianResolver(List.of(index));
    apt = new AptReference(tmp.resolve("apt"), proxy.base(), SUITE, List.of(COMPONENT), ARCH, keyring);
  }

  @AfterEach
  void clearOverrides() {
    if (proxy != null) {
      proxy.clearOverrides();
    }
  }

  @AfterAll
  static void stopProxy() {
    if (proxy != null) {
      proxy.close();
    }
  }

  static DebianRepositoryReader reader() throws DebianMetadataException {
    return new DebianRepositoryReader(new TransportMetadataSource(TransportFixtures.transport(2), proxy.base(), "repository 'debian'"),
        InReleaseVerifier.fromKeyringFile(keyring), Clock.systemUTC(), false);
  }

  @ParameterizedTest
  @ValueSource(strings = {"busybox-static", "curl", "python3-minimal", "ca-certificates", "bash", "openssl", "tzdata"})
  void resolvesTheSameClosureAsAptGet(String pkg) throws Exception {
    Set<String> expected = apt.simulateInstall(pkg);
    DebianResolution resolution = resolver.resolve(List.of(pkg), Set.of());
    Set<String> actual = resolution.packages().stream().map(ResolvedDebianPackage::nameAndVersion)
        .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(expected, actual, "closure of " + pkg);
    assertTrue(resolution.droppedDependencies().isEmpty());
  }

  @Test
  void resolvesSeveralPackagesAtOnceLikeAptGet() throws Exception {
    String[] request = {"curl", "tzdata", "python3-minimal", "bash"};
    Set<String> expected = apt.simulateInstall(request);
    Set<String> actual = resolver.resolve(List.of(request), Set.of()).packages().stream()
        .map(ResolvedDebianPackage::nameAndVersion).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(expected, actual);
  }

  @Test
  void excludingDebconfLeavesWhatAptGetInstallsWithDebconfPresent() throws Exception {
    DebianResolution resolution = resolver.resolve(List.of("ca-certificates"), Set.of("debconf"));
    Set<String> actual = resolution.packages().stream().map(ResolvedDebianPackage::nameAndVersion)
        .collect(Collectors.toCollection(TreeSet::new));
    String debconf = index.packages().stream().filter(p -> p.name().equals("debconf")).findFirst().orElseThrow()
        .version().text();
    Set<String> expected;
    try {
      apt.installed(List.of("debconf " + debconf + " debconf-2.0"));
      expected = apt.simulateInstall("ca-certificates");
    } finally {
      apt.installed(List.of());
    }
    assertEquals(expected, actual);
    assertTrue(actual.stream().noneMatch(p -> p.startsWith("cdebconf")), "no other provider of debconf-2.0: " + actual);
    assertEquals(List.of("debconf"), resolution.excluded().stream().map(DebianResolution.Exclusion::name).toList());
    assertEquals(List.of("ca-certificates -> debconf (>= 0.5) | debconf-2.0"), resolution.excluded().get(0).dependencies(),
        "the dropped dependency, as the lock records it");
  }

  @Test
  void resolvedPackagesCarryWhatTheLockAndInstallerNeed() throws Exception {
    List<ResolvedDebianPackage> packages = resolver.resolve(List.of("curl"), Set.of()).packages();
    assertEquals(packages.stream().map(ResolvedDebianPackage::name).sorted().toList(),
        packages.stream().map(ResolvedDebianPackage::name).toList(), "sorted by name");
    for (ResolvedDebianPackage p : packages) {
      assertEquals("debian", p.repository());
      assertTrue(p.filename().startsWith("pool/main/"), p.filename());
      assertTrue(p.size() > 0);
    }
    ResolvedDebianPackage libc = packages.stream().filter(p -> p.name().equals("libc6")).findFirst().orElseThrow();
    assertTrue(libc.replaces().stream().anyMatch(r -> r.name().equals("libc6-amd64")), libc.replaces().toString());
  }

  @Test
  void indexRecordsTheVerifiedInRelease() throws Exception {
    byte[] inRelease = proxy.bytes(IN_RELEASE);
    assertEquals(Sha256.of(MessageDigest.getInstance("SHA-256").digest(inRelease)), index.inReleaseSha256());
    assertEquals(SUITE, index.codename());
    assertTrue(index.signerFingerprint().matches("[0-9a-f]{40}"), index.signerFingerprint());
    if (Files.isExecutable(Path.of("/usr/bin/gpgv"))) {
      // gpgv names the same (sub)key first: "using RSA key <FINGERPRINT>"
      Path file = Files.write(tmp.resolve("InRelease.check"), inRelease);
      Process gpgv = new ProcessBuilder("gpgv", "--keyring", keyring.toString(), file.toString())
          .redirectErrorStream(true).start();
      String output = new String(gpgv.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, gpgv.waitFor(), output);
      java.util.regex.Matcher using =
          java.util.regex.Pattern.compile("using \\S+ key ([0-9A-F]{40})").matcher(output);
      assertTrue(using.find(), output);
      assertEquals(using.group(1).toLowerCase(java.util.Locale.ROOT), index.signerFingerprint());
    }
    assertTrue(index.packages().size() > 50_000, "bookworm main has about 63,000 amd64+all packages");
  }

  @Test
  void aForgedInReleaseIsRefused() throws Exception {
    byte[] forged = proxy.bytes(IN_RELEASE).clone();
    int at = new String(forged, StandardCharsets.ISO_8859_1).indexOf("Codename: ") + "Codename: ".length();
    forged[at] ^= 0x01; // one bit of one byte of the signed text
    proxy.override(IN_RELEASE, new MirrorProxy.Canned(200, "application/octet-stream", forged));
    DebianMetadataException e = assertThrows(DebianMetadataException.class,
        () -> reader().read("debian", SUITE, List.of(COMPONENT), ARCH));
    assertEquals(Kind.BAD_SIGNATURE, e.kind(), e.getMessage());
    assertTrue(e.getMessage().contains(proxy.base() + IN_RELEASE), e.getMessage());
  }

  @Test
  void anIndexThatDiffersFromTheInReleaseHashIsRefused() throws Exception {
    Release release = Release.parse(InReleaseVerifier.fromKeyringFile(keyring)
        .verify(proxy.bytes(IN_RELEASE), "x").signedText(), "x");
    // the index the reader takes: Packages.gz
    Release.FileEntry listed = release.file(COMPONENT + "/binary-" + ARCH + "/Packages.gz").orElseThrow();
    String byHash = "dists/" + SUITE + "/" + COMPONENT + "/binary-" + ARCH + "/by-hash/SHA256/" + listed.sha256().hex();
    byte[] altered = proxy.bytes(byHash).clone();
    altered[altered.length / 2] ^= 0x40;
    proxy.override(byHash, new MirrorProxy.Canned(200, "application/octet-stream", altered));
    DebianMetadataException e = assertThrows(DebianMetadataException.class,
        () -> reader().read("debian", SUITE, List.of(COMPONENT), ARCH));
    assertEquals(Kind.HASH_MISMATCH, e.kind(), e.getMessage());
    assertTrue(e.getMessage().contains(byHash) && e.getMessage().contains(listed.sha256().hex()), e.getMessage());

    byte[] longer = java.util.Arrays.copyOf(proxy.bytes(byHash), (int) listed.size() + 100);
    proxy.override(byHash, new MirrorProxy.Canned(200, "application/octet-stream", longer));
    e = assertThrows(DebianMetadataException.class, () -> reader().read("debian", SUITE, List.of(COMPONENT), ARCH));
    assertEquals(Kind.HASH_MISMATCH, e.kind(), e.getMessage());
    assertTrue(e.getMessage().contains("more than the " + listed.size() + " bytes"), e.getMessage());
  }

  @Test
  void anUnsignedInReleaseIsRefused() throws Exception {
    String text = InReleaseVerifier.fromKeyringFile(keyring).verify(proxy.bytes(IN_RELEASE), "x").signedText();
    proxy.override(IN_RELEASE, new MirrorProxy.Canned(200, "text/plain", text.getBytes(StandardCharsets.UTF_8)));
    DebianMetadataException e = assertThrows(DebianMetadataException.class,
        () -> reader().read("debian", SUITE, List.of(COMPONENT), ARCH));
    assertEquals(Kind.NOT_SIGNED, e.kind(), e.getMessage());
  }

  @Test
  void aReleaseSignedByAnUnknownKeyIsRefusedNamingTheKey() throws Exception {
    String text = InReleaseVerifier.fromKeyringFile(keyring).verify(proxy.bytes(IN_RELEASE), "x").signedText();
    TestPgp.Key throwaway = TestPgp.newKey("Not Debian <attacker@example.org>");
    proxy.override(IN_RELEASE, new MirrorProxy.Canned(200, "application/octet-stream",
        TestPgp.clearsign(text, throwaway)));
    DebianMetadataException e = assertThrows(DebianMetadataException.class,
        () -> reader().read("debian", SUITE, List.of(COMPONENT), ARCH));
    assertEquals(Kind.UNKNOWN_KEY, e.kind(), e.getMessage());
    assertTrue(e.getMessage().contains(throwaway.fingerprint()) && e.getMessage().contains(keyring.toString()),
        e.getMessage());
  }

  @Test
  void missingSuiteAndHtmlPagesAreOneLineErrorsNamingTheUrl() throws Exception {
    DebianMetadataException e = assertThrows(DebianMetadataException.class,
        () -> reader().read("debian", "no-such-suite", List.of(COMPONENT), ARCH));
    assertEquals(Kind.NOT_FOUND, e.kind(), e.getMessage());
    assertTrue(e.getMessage().contains(proxy.base() + "dists/no-such-suite/InRelease"), e.getMessage());

    proxy.override(IN_RELEASE, new MirrorProxy.Canned(200, "text/html; charset=utf-8",
        "<!DOCTYPE html><html><body>Please log in</body></html>".getBytes(StandardCharsets.UTF_8)));
    TransportException html = assertThrows(TransportException.class,
        () -> reader().read("debian", SUITE, List.of(COMPONENT), ARCH));
    assertEquals(TransportException.Failure.HTML_INSTEAD_OF_DATA, html.failure(), html.getMessage());
    assertTrue(html.getMessage().contains(proxy.base() + IN_RELEASE) && !html.getMessage().contains("\n"),
        html.getMessage());

    proxy.override(IN_RELEASE, new MirrorProxy.Canned(503, "text/plain", new byte[0]));
    TransportException unavailable = assertThrows(TransportException.class,
        () -> reader().read("debian", SUITE, List.of(COMPONENT), ARCH));
    assertTrue(unavailable.getMessage().contains("HTTP 503 Service Unavailable (tried 2 times)"),
        unavailable.getMessage());
  }

  @Test
  void aMisspelledPackageGetsASuggestion() {
    DebianResolutionException e = assertThrows(DebianResolutionException.class,
        () -> resolver.resolve(List.of("crul"), Set.of()));
    assertEquals(DebianResolutionException.Kind.UNKNOWN_PACKAGE, e.kind());
    assertTrue(e.getMessage().contains("'crul'") && e.getMessage().contains("did you mean:")
        && e.getMessage().contains("curl"), e.getMessage());
    e = assertThrows(DebianResolutionException.class, () -> resolver.resolve(List.of("pyton3-minimal"), Set.of()));
    assertTrue(e.getMessage().contains("python3-minimal"), e.getMessage());
  }

  @Test
  void realVersionPairsCompareLikeDpkg() throws Exception {
    Requirements.require(Files.isExecutable(Path.of("/usr/bin/dpkg")), "dpkg is not installed");
    List<DebianPackage> packages = index.packages();
    Random random = new Random(7);
    List<String[]> pairs = new ArrayList<>();
    for (int k = 0; k < 300; k++) {
      DebianPackage a = packages.get(random.nextInt(packages.size()));
      // neighbours in the index often share a source package, so their versions are close
      DebianPackage b = packages.get(Math.min(packages.size() - 1, packages.indexOf(a) + 1 + random.nextInt(3)));
      pairs.add(new String[] {a.version().text(), b.version().text()});
    }
    List<Integer> dpkg = DebianVersionTest.dpkgCompare(pairs);
    for (int k = 0; k < pairs.size(); k++) {
      assertEquals(dpkg.get(k), Integer.signum(DebianVersion.parse(pairs.get(k)[0])
          .compareTo(DebianVersion.parse(pairs.get(k)[1]))), pairs.get(k)[0] + " vs " + pairs.get(k)[1]);
    }
  }

  /**
   * Opt-in breadth check, too slow for every build: {@code -Dsealbuild.debian.aptSample=N} compares the closures of N
   * randomly chosen packages with apt-get; where apt-get fails, the resolver must fail too.
   */
  @Test
  void randomSampleMatchesAptGet() throws Exception {
    int n = Integer.getInteger("sealbuild.debian.aptSample", 0);
    assumeTrue(n > 0, "set -Dsealbuild.debian.aptSample=N to compare N random packages with apt-get");
    List<String> names = index.packages().stream().map(DebianPackage::name).distinct().sorted().toList();
    Random random = new Random(Long.getLong("sealbuild.debian.aptSeed", 1));
    List<String> mismatches = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      String name = names.get(random.nextInt(names.size()));
      AptReference.Result result = apt.simulate(name);
      Set<String> expected = result.exit() == 0 ? AptReference.instLines(result) : null;
      Set<String> actual;
      try {
        actual = resolver.resolve(List.of(name), Set.of()).packages().stream()
            .map(ResolvedDebianPackage::nameAndVersion).collect(Collectors.toCollection(TreeSet::new));
      } catch (DebianResolutionException e) {
        actual = null;
      }
      if (expected == null ? actual != null : !expected.equals(actual)) {
        Set<String> missing = expected == null ? Set.of() : new TreeSet<>(expected);
        Set<String> extra = actual == null ? Set.of() : new TreeSet<>(actual);
        if (expected != null && actual != null) {
          missing.removeAll(actual);
          extra.removeAll(expected);
        }
        mismatches.add(name + ": apt " + (expected == null ? "fails" : "-" + missing) + ", we "
            + (actual == null ? "fail" : "+" + extra));
      }
    }
    assertEquals(List.of(), mismatches, mismatches.size() + " of " + n + " differ");
  }

  /** With the host's update and security suites too, the highest version wins as in apt (ties: first source). */
  @Test
  void severalSuitesResolveLikeAptGet() throws Exception {
    Optional<AptSources.Source> updates = AptSources.host().find(SUITE + "-updates", COMPONENT);
    Optional<AptSources.Source> security = AptSources.host().find(SUITE + "-security", COMPONENT);
    Requirements.require(updates.isPresent() && security.isPresent(), "the host's apt sources lack the updates/security suites");
    try (MirrorProxy updatesProxy = new MirrorProxy(updates.get().uri(), Files.createDirectories(tmp.resolve("u")));
        MirrorProxy securityProxy = new MirrorProxy(security.get().uri(), Files.createDirectories(tmp.resolve("s")))) {
      List<DebianRepositoryIndex> indexes = List.of(index,
          read(updatesProxy, "debian-updates", SUITE + "-updates"),
          read(securityProxy, "debian-security", SUITE + "-security"));
      DebianResolver several = new DebianResolver(indexes);
      AptReference apt3 = new AptReference(tmp.resolve("apt3"), List.of(
          AptReference.sourceLine(proxy.base(), SUITE, List.of(COMPONENT), ARCH, keyring),
          AptReference.sourceLine(updatesProxy.base(), SUITE + "-updates", List.of(COMPONENT), ARCH, keyring),
          AptReference.sourceLine(securityProxy.base(), SUITE + "-security", List.of(COMPONENT), ARCH, keyring)),
          ARCH);
      Set<String> repositories = new TreeSet<>();
      for (String pkg : List.of("curl", "openssl", "tzdata", "bash", "python3-minimal", "ca-certificates")) {
        DebianResolution resolution = several.resolve(List.of(pkg), Set.of());
        resolution.packages().forEach(p -> repositories.add(p.repository()));
        assertEquals(apt3.simulateInstall(pkg), resolution.packages().stream()
            .map(ResolvedDebianPackage::nameAndVersion).collect(Collectors.toCollection(TreeSet::new)), pkg);
      }
      assertTrue(repositories.size() > 1, "newer versions from the other suites were picked: " + repositories);
    }
  }

  private static DebianRepositoryIndex read(MirrorProxy mirror, String name, String suite) throws Exception {
    return new DebianRepositoryReader(new TransportMetadataSource(TransportFixtures.transport(2), mirror.base(), "repository 'debian'"),
        InReleaseVerifier.fromKeyringFile(keyring), Clock.systemUTC(), false)
        .read(name, suite, List.of(COMPONENT), ARCH);
  }
}

package dev.sealbuild.prep.alpine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sealbuild.testsupport.apk.ApkStreams;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Resolver behaviours on small synthetic repositories (the real-apk comparison is in ApkResolverRealApkTest). */
class ApkResolverTest {
  /** One package record: "name version" then optional "X:value" field lines. */
  private static ApkPackage pkg(String name, String version, String... fields) {
    String checksum = ApkChecksum.q1(ApkStreams.digest("SHA-1",
        (name + "-" + version).getBytes(StandardCharsets.UTF_8)));
    String text = "C:" + checksum + "\nP:" + name + "\nV:" + version + "\nI:4096\n" + String.join("\n", fields) + "\n";
    return ApkIndex.parse("", text, "test").packages().get(0);
  }

  private static List<String> install(ApkResolver resolver, String... requests) {
    return resolver.resolve(List.of(requests)).toInstall().stream().map(ApkPackage::nameVersion).toList();
  }

  private static String failure(ApkResolver resolver, String... requests) {
    return assertThrows(ApkException.class, () -> resolver.resolve(List.of(requests))).getMessage();
  }

  private static ApkResolver repo(ApkPackage... packages) {
    return new ApkResolver(List.of(packages), ApkInstalledDb.empty());
  }

  @Test
  void picksTheHighestVersionThatSatisfiesTheConstraints() {
    ApkResolver resolver = repo(pkg("a", "1.0-r0"), pkg("a", "1.2-r0"), pkg("a", "1.2_rc1-r0"),
        pkg("b", "1-r0", "D:a<1.1"));
    assertEquals(List.of("a-1.2-r0"), install(resolver, "a"));
    assertEquals(List.of("a-1.0-r0", "b-1-r0"), install(resolver, "b"));
    assertEquals(List.of("a-1.2_rc1-r0"), install(resolver, "a<1.2"));
    // apk 2's fuzzy match stops comparing where the versions' shapes differ: 1.2-r0 matches ~1.2_rc
    assertEquals(List.of("a-1.2-r0"), install(resolver, "a~1.2_rc"));
    assertEquals(List.of("a-1.0-r0"), install(resolver, "a<1.2_rc1"));
  }

  @Test
  void followsProvidedSoCmdAndPcNames() {
    ApkResolver resolver = repo(
        pkg("app", "1-r0", "D:so:libx.so.1 cmd:helper pc:libx>=2"),
        pkg("libx", "2.1-r0", "p:so:libx.so.1=1.0.0"),
        pkg("libx-dev", "2.1-r0", "D:libx=2.1-r0", "p:pc:libx=2.1"),
        pkg("helper", "3-r0", "p:cmd:helper=3-r0"));
    assertEquals(List.of("app-1-r0", "helper-3-r0", "libx-2.1-r0", "libx-dev-2.1-r0"), install(resolver, "app"));
  }

  @Test
  void virtualNamesNeedAProviderPriorityOrAnExplicitChoice() {
    ApkResolver undecided = repo(pkg("app", "1-r0", "D:/bin/sh"), pkg("busybox", "1.35-r0", "p:/bin/sh"),
        pkg("dash", "0.5-r0", "p:/bin/sh"));
    assertEquals("cannot resolve Alpine packages: '/bin/sh' (needed by world -> app-1-r0) is a virtual name provided "
        + "by busybox-1.35-r0, dash-0.5-r0, none with a provider_priority, and apk does not pick one by itself; add the "
        + "provider you want to packages, e.g. busybox", failure(undecided, "app"));
    assertEquals("cannot resolve Alpine packages: '/bin/sh' (requested) is a virtual name provided by busybox-1.35-r0, "
        + "dash-0.5-r0, none with a provider_priority, and apk does not pick one by itself; write the provider you want "
        + "instead, e.g. packages: [busybox]", failure(undecided, "/bin/sh"));
    assertEquals(List.of("app-1-r0", "dash-0.5-r0"), install(undecided, "app", "dash"));

    ApkResolver prioritised = repo(pkg("app", "1-r0", "D:/bin/sh"), pkg("busybox", "1.35-r0", "p:/bin/sh", "k:100"),
        pkg("dash", "0.5-r0", "p:/bin/sh", "k:200"));
    assertEquals(List.of("app-1-r0", "dash-0.5-r0"), install(prioritised, "app"));
  }

  /**
   * apk-tools 2.14-stable after 2.14.4 (dc2f49cde1, its test provides22): a purely virtual name is resolved after the
   * other names, so a provider that another request brings in anyway (here through a versioned so: name) satisfies it.
   * With nothing bringing a provider in, it is still refused, even with a single provider.
   */
  @Test
  void aPurelyVirtualNameTakesTheProviderOtherRequestsBringIn() {
    ApkResolver resolver = repo(pkg("openjdk8-jdk", "1.0-r0", "D:so:openjdk8:libawt.so=0"),
        pkg("openjdk8-jre-base", "1.0-r0", "p:java-jre-headless so:openjdk8:libawt.so=0"),
        pkg("openjdk17-jre-headless", "1.0-r0", "p:java-jre-headless"),
        pkg("app", "1.0-r0", "D:java-jre-headless"));
    assertEquals(List.of("openjdk8-jdk-1.0-r0", "openjdk8-jre-base-1.0-r0"),
        install(resolver, "openjdk8-jdk", "java-jre-headless"));
    assertEquals(List.of("app-1.0-r0", "openjdk8-jdk-1.0-r0", "openjdk8-jre-base-1.0-r0"),
        install(resolver, "app", "openjdk8-jdk"));
    assertEquals(List.of("openjdk17-jre-headless-1.0-r0"), install(resolver, "java-jre-headless", "openjdk17-jre-headless"));
    assertEquals(List.of("app-1.0-r0", "openjdk17-jre-headless-1.0-r0"), install(resolver, "app", "openjdk17-jre-headless"));
    assertThrows(ApkException.class, () -> resolver.resolve(List.of("java-jre-headless")));
    assertThrows(ApkException.class, () -> resolver.resolve(List.of("app")));
    // the one provider that brings the name in conflicts with another request: nothing else may be picked instead
    assertThrows(ApkException.class, () -> resolver.resolve(List.of("openjdk8-jdk", "java-jre-headless",
        "!openjdk8-jre-base")));

    ApkResolver single = repo(pkg("openjdk8-jre-base", "1.0-r0", "p:java-jre-headless"));
    assertEquals("cannot resolve Alpine packages: 'java-jre-headless' (requested) is a virtual name provided by "
        + "openjdk8-jre-base-1.0-r0, none with a provider_priority, and apk does not pick one by itself; write the "
        + "provider you want instead, e.g. packages: [openjdk8-jre-base]", failure(single, "java-jre-headless"));
  }

  @Test
  void versionedProvidesPickTheHighestProvidedVersion() {
    ApkResolver resolver = repo(pkg("dropbear-scp", "2022.82-r1", "p:cmd:scp=2022.82-r1"),
        pkg("openssh-client", "9.0_p1-r2", "p:cmd:scp=9.0_p1-r2"));
    assertEquals(List.of("dropbear-scp-2022.82-r1"), install(resolver, "cmd:scp"));
    assertEquals(List.of("openssh-client-9.0_p1-r2"), install(resolver, "cmd:scp<10"));
  }

  @Test
  void conflictsAndSameNameProvidersAreErrors() {
    ApkResolver resolver = repo(pkg("a", "1-r0", "D:!c"), pkg("c", "1-r0"), pkg("p1", "1-r0", "p:foo=1"),
        pkg("p2", "1-r0", "p:foo=2"));
    assertEquals(List.of("a-1-r0"), install(resolver, "a"));
    assertEquals("cannot resolve Alpine packages: c-1-r0 (world -> c-1-r0) conflicts with '!c' (needed by world -> "
        + "a-1-r0)", failure(resolver, "a", "c"));
    assertEquals("cannot resolve Alpine packages: conflicting packages: p1-1-r0 (world -> p1-1-r0) and p2-1-r0 (world "
        + "-> p2-1-r0) both provide 'foo'", failure(resolver, "p1", "p2"));
  }

  @Test
  void installIfAddsPackagesOnlyWhenAllConditionsHold() {
    ApkResolver resolver = repo(pkg("a", "1-r0"), pkg("docs", "1-r0"), pkg("a-doc", "1-r0", "i:a=1-r0 docs"),
        pkg("a-openrc", "1-r0", "i:a openrc"));
    assertEquals(List.of("a-1-r0"), install(resolver, "a"));
    assertEquals(List.of("a-1-r0", "a-doc-1-r0", "docs-1-r0"), install(resolver, "a", "docs"));
  }

  @Test
  void explainsMissingDependenciesWithTheirChainAndSuggestsNames() {
    ApkResolver resolver = repo(pkg("curl", "8-r0", "D:libcurl"), pkg("libcurl", "8-r0", "D:so:libmissing.so.1"));
    assertEquals("cannot resolve Alpine packages: nothing provides 'so:libmissing.so.1' (needed by world -> curl-8-r0 "
        + "-> libcurl-8-r0)", failure(resolver, "curl"));
    assertEquals("cannot resolve Alpine packages: unknown package 'culr'; did you mean 'curl'?",
        failure(resolver, "culr"));
    assertEquals("cannot resolve Alpine packages: unknown package 'zzzzzz' (no index lists it)",
        failure(resolver, "zzzzzz"));
    assertEquals("cannot resolve Alpine packages: 'curl>=9' (requested) is not satisfied by curl-8-r0, which is "
        + "selected (world -> curl-8-r0)", failure(repo(pkg("curl", "8-r0")), "curl>=9"));
    assertEquals("invalid package request 'curl>=8_foo': invalid version in dependency 'curl>=8_foo'",
        failure(resolver, "curl>=8_foo"));
  }

  @Test
  void installedPackagesSatisfyDependenciesAndAreNotInstalledAgain() {
    ApkPackage oldA = pkg("a", "1.0-r0");
    ApkPackage x = pkg("x", "1-r0", "p:so:libx.so.1=1");
    ApkInstalledDb base = new ApkInstalledDb(List.of(oldA, x), List.of(ApkDependency.on("a"), ApkDependency.on("x")));
    ApkResolver resolver = new ApkResolver(List.of(pkg("a", "1.2-r0"), pkg("b", "1-r0", "D:so:libx.so.1 a")), base);

    ApkResolution b = resolver.resolve(List.of("b"));
    assertEquals(List.of("b-1-r0"), names(b.toInstall()), "a stays at the installed 1.0 (apk add does not upgrade)");
    assertEquals(List.of("a-1.0-r0", "b-1-r0", "x-1-r0"), names(b.packages()));
    assertEquals(List.of(), b.toRemove());
    assertEquals(List.of("a", "x", "b"), b.world().stream().map(ApkDependency::toString).toList());

    ApkResolution upgrade = resolver.resolve(List.of("a>=1.2"));
    assertEquals(List.of("a-1.2-r0"), names(upgrade.toInstall()));
    assertEquals(List.of("a-1.0-r0"), names(upgrade.toRemove()));
    assertEquals(List.of("a>=1.2", "x"), upgrade.world().stream().map(ApkDependency::toString).toList());
  }

  @Test
  void outputIsSortedAndRepeatable() {
    List<ApkPackage> packages = new ArrayList<>();
    for (String n : List.of("zeta", "alpha", "mid")) {
      packages.add(pkg(n, "1-r0"));
    }
    packages.add(pkg("all", "1-r0", "D:zeta alpha mid"));
    ApkResolver resolver = new ApkResolver(packages, ApkInstalledDb.empty());
    List<String> first = install(resolver, "all");
    assertEquals(List.of("all-1-r0", "alpha-1-r0", "mid-1-r0", "zeta-1-r0"), first);
    List<ApkPackage> reversed = new ArrayList<>(packages);
    Collections.reverse(reversed);
    assertEquals(first, install(new ApkResolver(reversed, ApkInstalledDb.empty()), "all"));
  }

  @Test
  void excludedPackagesAreNeverInstalledAndWhoNeededThemIsReported() {
    ApkResolver resolver = repo(
        pkg("app", "1-r0", "D:so:libx.so.1 docs helper"),
        pkg("libx", "2-r0", "p:so:libx.so.1=2"),
        pkg("docs", "1-r0"),
        pkg("helper", "1-r0", "D:docs"),
        pkg("unused", "1-r0", "D:docs"));
    ApkResolution r = resolver.resolve(List.of("app"), List.of("docs", "libx"));
    assertEquals(List.of("app-1-r0", "helper-1-r0"), names(r.toInstall()));
    assertEquals(java.util.Map.of("docs", List.of("app", "helper"), "libx", List.of("app")), r.excluded());
    assertEquals(3, r.toInstall().get(0).depends().size(), "the package as the index lists it, every dependency included");
    assertEquals(java.util.Map.of(), resolver.resolve(List.of("app"), List.of()).excluded());
    assertEquals("package docs is both requested and excluded; remove it from one of the lists",
        assertThrows(ApkException.class, () -> resolver.resolve(List.of("docs"), List.of("docs"))).getMessage());
  }

  @Test
  void anExcludedNameAnotherPackageProvidesIsNotDropped() {
    ApkResolver resolver = repo(pkg("app", "1-r0", "D:so:libx.so.1"), pkg("libx", "2-r0", "p:so:libx.so.1=2"),
        pkg("libx-compat", "2-r0", "p:so:libx.so.1=2"));
    ApkResolution r = resolver.resolve(List.of("app", "libx-compat"), List.of("libx"));
    assertEquals(List.of("app-1-r0", "libx-compat-2-r0"), names(r.toInstall()));
    assertEquals(java.util.Map.of(), r.excluded());
  }

  private static List<String> names(List<ApkPackage> packages) {
    return packages.stream().map(ApkPackage::nameVersion).toList();
  }
}

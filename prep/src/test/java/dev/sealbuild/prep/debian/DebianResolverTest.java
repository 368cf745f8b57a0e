package dev.sealbuild.prep.debian;

import dev.sealbuild.testsupport.deb.SyntheticRepository;
import static dev.sealbuild.testsupport.deb.SyntheticRepository.pkg;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.formats.digest.Sha256;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Resolver rules on small synthetic indexes (the apt comparison lives in the *AptEquivalence* tests). */
class DebianResolverTest {

  static DebianRepositoryIndex index(String name, int pin, String... stanzas) throws Exception {
    return index(name, "test", pin, stanzas);
  }

  static DebianRepositoryIndex index(String name, String suite, int pin, String... stanzas) throws Exception {
    List<DebianPackage> packages = new PackagesIndex("amd64").parse(
        new ByteArrayInputStream(String.join("\n", stanzas).getBytes(StandardCharsets.UTF_8)), name);
    return new DebianRepositoryIndex(name, suite, suite, "amd64", List.of("main"), Sha256.ofHex("0".repeat(64)),
        Instant.parse("2026-01-01T00:00:00Z"), Optional.empty(), "f".repeat(40), pin, packages);
  }

  static List<String> resolve(List<DebianRepositoryIndex> indexes, List<String> request, Set<String> exclude)
      throws Exception {
    return new DebianResolver(indexes).resolve(request, exclude).packages().stream()
        .map(ResolvedDebianPackage::nameAndVersion).toList();
  }

  static List<String> resolve(DebianRepositoryIndex index, String... request) throws Exception {
    return resolve(List.of(index), Arrays.asList(request), Set.of());
  }

  @Test
  void followsDependsAndPreDependsButNotRecommends() throws Exception {
    DebianRepositoryIndex idx = index("t", 500,
        pkg("app", "1", "Pre-Depends: pre\nDepends: lib (>= 2)\nRecommends: extra\nSuggests: more\n"),
        pkg("pre", "1", ""), pkg("lib", "2", ""), pkg("extra", "1", ""), pkg("more", "1", ""));
    assertEquals(List.of("app=1", "lib=2", "pre=1"), resolve(idx, "app"));
  }

  @Test
  void takesTheFirstSatisfiableAlternativeUnlessAnotherIsAlreadySelected() throws Exception {
    DebianRepositoryIndex idx = index("t", 500,
        pkg("app", "1", "Depends: missing | old (>= 2) | second | third\n"),
        pkg("old", "1", ""), pkg("second", "1", ""), pkg("third", "1", ""));
    assertEquals(List.of("app=1", "second=1"), resolve(idx, "app"));
    assertEquals(List.of("app=1", "third=1"), resolve(idx, "app", "third"), "a selected alternative wins");
  }

  @Test
  void virtualPackagesFollowAptProviderOrder() throws Exception {
    DebianRepositoryIndex idx = index("t", 500,
        pkg("app", "1", "Depends: awk, mta, editor\n"),
        pkg("gawk", "1", "Provides: awk\n"),
        pkg("mawk", "1", "Provides: awk\nPriority: required\n"),
        pkg("exim", "1", "Provides: mta\nPriority: standard\n"),
        pkg("postfix", "1", "Provides: mta\nPriority: standard\nImportant: yes\n"),
        pkg("nano", "1", "Provides: editor\nPriority: important\n"),
        pkg("vi", "1", "Provides: editor\nEssential: yes\n"));
    assertEquals(List.of("app=1", "mawk=1", "postfix=1", "vi=1"), resolve(idx, "app"),
        "priority, then Important, and Essential before all");
  }

  @Test
  void equalProvidersGoToTheOneAptCreatedLast() throws Exception {
    DebianRepositoryIndex idx = index("t", 500,
        pkg("app", "1", "Depends: virt\n"),
        pkg("zeta", "1", "Provides: virt\n"),
        pkg("alpha", "1", "Provides: virt\n"));
    assertEquals(List.of("alpha=1", "app=1"), resolve(idx, "app"));
    DebianRepositoryIndex mentionedEarly = index("t", 500,
        pkg("app", "1", "Depends: virt\nSuggests: alpha\n"),
        pkg("zeta", "1", "Provides: virt\n"),
        pkg("alpha", "1", "Provides: virt\n"));
    assertEquals(List.of("app=1", "zeta=1"), resolve(mentionedEarly, "app"),
        "apt's package IDs follow first mention, Suggests included");
  }

  @Test
  void versionedDependenciesNeedVersionedProvides() throws Exception {
    DebianRepositoryIndex idx = index("t", 500,
        pkg("app", "1", "Depends: foo (>= 2)\n"),
        pkg("plain", "1", "Provides: foo\n"),
        pkg("old", "1", "Provides: foo (= 1)\n"),
        pkg("new", "1", "Provides: foo (= 3)\n"));
    assertEquals(List.of("app=1", "new=1"), resolve(idx, "app"));
  }

  @Test
  void archAnyNeedsMultiArchAllowedAndArchAllSatisfiesPlainDependencies() throws Exception {
    DebianRepositoryIndex idx = index("t", 500,
        pkg("app", "1", "Depends: python3:any (>= 3.11), data, tool:amd64\n"),
        pkg("python3", "3.11.2-1", "Multi-Arch: allowed\n"),
        pkg("data", "1", "all", ""),
        pkg("tool", "1", ""),
        pkg("bad", "1", "Depends: nomulti:any\n"),
        pkg("nomulti", "1", ""),
        pkg("foreign", "1", "Depends: tool:arm64\n"));
    assertEquals(List.of("app=1", "data=1", "python3=3.11.2-1", "tool=1"), resolve(idx, "app"));
    DebianResolutionException e = assertThrows(DebianResolutionException.class, () -> resolve(idx, "bad"));
    assertTrue(e.getMessage().contains("nomulti:any") && e.getMessage().contains("not Multi-Arch: allowed"),
        e.getMessage());
    assertThrows(DebianResolutionException.class, () -> resolve(idx, "foreign"));
  }

  @Test
  void excludedPackagesAreNeverInstalledAndTheirDependenciesAreReported() throws Exception {
    DebianRepositoryIndex idx = index("t", 500,
        pkg("app", "1", "Depends: debconf | debconf-2.0, perl-base, libc\n"),
        pkg("helper", "1", "Depends: debconf (>= 0.5) | debconf-2.0\n"),
        pkg("debconf", "1", "Provides: debconf-2.0\n"),
        pkg("cdebconf", "1", "Provides: debconf-2.0\n"),
        pkg("perl-base", "1", ""),
        pkg("libc", "1", ""));
    DebianResolution r = new DebianResolver(List.of(idx)).resolve(List.of("app", "helper"),
        Set.of("perl-base", "debconf"));
    assertEquals(List.of("app=1", "helper=1", "libc=1"),
        r.packages().stream().map(ResolvedDebianPackage::nameAndVersion).toList(),
        "debconf counts as present: its other provider cdebconf is not pulled in its place");
    assertEquals(List.of("app -> debconf | debconf-2.0 (excluded: debconf)", "app -> perl-base (excluded: perl-base)",
        "helper -> debconf (>= 0.5) | debconf-2.0 (excluded: debconf)"), r.droppedDependencies());
    assertEquals(List.of(new DebianResolution.Exclusion("debconf", List.of("app", "helper"),
            List.of("app -> debconf | debconf-2.0", "helper -> debconf (>= 0.5) | debconf-2.0")),
        new DebianResolution.Exclusion("perl-base", List.of("app"), List.of("app -> perl-base"))), r.excluded());
    DebianResolutionException e = assertThrows(DebianResolutionException.class,
        () -> new DebianResolver(List.of(idx)).resolve(List.of("app"), Set.of("app")));
    assertEquals(DebianResolutionException.Kind.EXCLUDED, e.kind());
  }

  @Test
  void anExcludedVersionThatDoesNotSatisfyTheRelationDropsNothing() throws Exception {
    DebianRepositoryIndex idx = index("t", 500,
        pkg("app", "1", "Depends: debconf (>= 2) | cdebconf\n"),
        pkg("debconf", "1", "Provides: debconf-2.0\n"),
        pkg("cdebconf", "1", "Provides: debconf-2.0\n"));
    DebianResolution r = new DebianResolver(List.of(idx)).resolve(List.of("app"), Set.of("debconf"));
    assertEquals(List.of("app=1", "cdebconf=1"),
        r.packages().stream().map(ResolvedDebianPackage::nameAndVersion).toList(),
        "excluded debconf 1 would not satisfy debconf (>= 2), so the next alternative is installed");
    assertEquals(List.of(), r.droppedDependencies());
  }

  @Test
  void nameEqualsVersionSelectsThatVersionAndItsDependencies() throws Exception {
    DebianRepositoryIndex idx = index("t", 500,
        pkg("curl", "2", "Depends: libcurl (>= 2)\n"),
        pkg("curl", "1", "Depends: libold\n"),
        pkg("libcurl", "2", ""),
        pkg("libold", "1", ""));
    assertEquals(List.of("curl=1", "libold=1"), resolve(idx, "curl=1"));
    assertEquals(List.of("curl=2", "libcurl=2"), resolve(idx, "curl=2"));
    DebianResolutionException e = assertThrows(DebianResolutionException.class, () -> resolve(idx, "curl=3"));
    assertEquals("version 3 of curl is not in t (test) for amd64; available: 2, 1", e.getMessage());
    e = assertThrows(DebianResolutionException.class, () -> resolve(idx, "curl=1", "curl"));
    assertEquals(DebianResolutionException.Kind.CONFLICTING_REQUESTS, e.kind());
  }

  @Test
  void aChosenOlderVersionSatisfiesOtherPackagesDependenciesOnlyIfItMatches() throws Exception {
    DebianRepositoryIndex idx = index("t", 500,
        pkg("lib", "2", "Provides: virt-lib\n"),
        pkg("lib", "1", ""),
        pkg("app", "1", "Depends: lib (>= 2)\n"),
        pkg("uses-virt", "1", "Depends: virt-lib\n"));
    DebianResolutionException e = assertThrows(DebianResolutionException.class, () -> resolve(idx, "lib=1", "app"));
    assertTrue(e.getMessage().contains("lib (>= 2)"), e.getMessage());
    e = assertThrows(DebianResolutionException.class, () -> resolve(idx, "lib=1", "uses-virt"),
        "the Provides of version 2 no longer count once version 1 is the candidate");
    assertTrue(e.getMessage().contains("virt-lib"), e.getMessage());
  }

  @Test
  void nameSlashSuiteTakesTheCandidateFromThatSuite() throws Exception {
    List<DebianRepositoryIndex> indexes = List.of(
        index("main", "bookworm", 500, pkg("curl", "1", ""), pkg("other", "1", "")),
        index("updates", "bookworm-updates", 500, pkg("curl", "2", "")));
    assertEquals(List.of("curl=2"), resolve(indexes, List.of("curl"), Set.of()));
    assertEquals(List.of("curl=1"), resolve(indexes, List.of("curl/bookworm"), Set.of()));
    assertEquals(List.of("curl=2"), resolve(indexes, List.of("curl/bookworm-updates"), Set.of()));
    DebianResolutionException e = assertThrows(DebianResolutionException.class,
        () -> resolve(indexes, List.of("curl/bookworm-security"), Set.of()));
    assertEquals("package curl/bookworm-security: no repositories: entry has suite 'bookworm-security'; suites:"
        + " bookworm, bookworm-updates", e.getMessage());
    e = assertThrows(DebianResolutionException.class,
        () -> resolve(indexes, List.of("other/bookworm-updates"), Set.of()));
    assertEquals("package other is not in suite bookworm-updates (updates) for amd64; it is in bookworm (1)",
        e.getMessage());
  }

  @Test
  void unsatisfiableDependenciesNameTheChain() throws Exception {
    DebianRepositoryIndex idx = index("t", 500,
        pkg("curl", "7.88", "Depends: libcurl4 (= 7.88)\n"),
        pkg("libcurl4", "7.88", "Depends: libssl3 (>= 3.0.0)\n"),
        pkg("libssl3", "1.1.1", ""));
    DebianResolutionException e = assertThrows(DebianResolutionException.class, () -> resolve(idx, "curl"));
    assertEquals(DebianResolutionException.Kind.UNSATISFIABLE, e.kind());
    assertEquals("cannot install curl for amd64: curl -> libcurl4 (= 7.88) -> libssl3 (>= 3.0.0): no version "
        + "satisfies libssl3 (>= 3.0.0) (candidate: 1.1.1 from t)", e.getMessage());
  }

  @Test
  void aMissingPackageInTheChainIsNamed() throws Exception {
    DebianRepositoryIndex idx = index("t", 500,
        pkg("top", "1", "Depends: mid\n"),
        pkg("mid", "1", "Depends: gone | vanished\n"));
    DebianResolutionException e = assertThrows(DebianResolutionException.class, () -> resolve(idx, "top"));
    assertEquals("cannot install top for amd64: top -> mid -> gone | vanished: no alternative can be installed; "
        + "no package named gone in t (test)", e.getMessage());
  }

  @Test
  void unknownAndAmbiguousRequests() throws Exception {
    DebianRepositoryIndex idx = index("t", 500,
        pkg("curl", "1", ""), pkg("mawk", "1", "Provides: awk\n"), pkg("gawk", "1", "Provides: awk\n"),
        pkg("bzip2", "1", "Provides: bunzip\n"));
    DebianResolutionException e = assertThrows(DebianResolutionException.class, () -> resolve(idx, "crul"));
    assertEquals(DebianResolutionException.Kind.UNKNOWN_PACKAGE, e.kind());
    assertEquals("unknown package 'crul' for amd64 in t (test); did you mean: curl?", e.getMessage());
    e = assertThrows(DebianResolutionException.class, () -> resolve(idx, "qqqqqqqq"));
    assertTrue(e.getMessage().endsWith("no similar package names"), e.getMessage());
    e = assertThrows(DebianResolutionException.class, () -> resolve(idx, "awk"));
    assertEquals(DebianResolutionException.Kind.AMBIGUOUS_VIRTUAL, e.kind());
    assertTrue(e.getMessage().contains("gawk, mawk"), e.getMessage());
    assertEquals(List.of("bzip2=1"), resolve(idx, "bunzip"), "a sole provider stands in for a virtual name");
  }

  @Test
  void highestVersionWinsAcrossRepositoriesTiesGoToTheFirstAndNotAutomaticLoses() throws Exception {
    DebianRepositoryIndex main = index("main", 500, pkg("a", "1.0", ""), pkg("b", "2.0", ""), pkg("c", "1", ""));
    DebianRepositoryIndex updates = index("updates", 500, pkg("a", "1.1", ""), pkg("b", "2.0", ""));
    DebianRepositoryIndex experimental = index("experimental", 1, pkg("c", "9", ""), pkg("d", "1", ""));
    DebianResolution r = new DebianResolver(List.of(main, updates, experimental))
        .resolve(List.of("a", "b", "c", "d"), Set.of());
    assertEquals(List.of("a=1.1@updates", "b=2.0@main", "c=1@main", "d=1@experimental"),
        r.packages().stream().map(p -> p.nameAndVersion() + "@" + p.repository()).toList());
  }

  @Test
  void conflictingCandidatesAreSkipped() throws Exception {
    DebianRepositoryIndex idx = index("t", 500,
        pkg("app", "1", "Depends: mta\n"),
        pkg("exim", "1", "Provides: mta\nPriority: required\nConflicts: postfix\n"),
        pkg("postfix", "1", "Provides: mta\n"),
        pkg("other", "1", "Breaks: exim (<< 2)\n"));
    assertEquals(List.of("app=1", "exim=1"), resolve(idx, "app"));
    assertEquals(List.of("app=1", "other=1", "postfix=1"), resolve(idx, "app", "other"),
        "a selected package that Breaks a candidate rules it out");
  }

  @Test
  void cyclesAndSelfProvidesTerminate() throws Exception {
    DebianRepositoryIndex idx = index("t", 500,
        pkg("a", "1", "Depends: b\nProvides: a-virtual\nConflicts: a-virtual\n"),
        pkg("b", "1", "Depends: a, a-virtual\n"));
    assertEquals(List.of("a=1", "b=1"), resolve(idx, "a"));
  }

  @Test
  void resolvedRecordsCarryReplacesAndEssential() throws Exception {
    DebianRepositoryIndex idx = index("t", 500,
        pkg("new", "2", "Replaces: old (<< 2), other\nEssential: yes\n"));
    ResolvedDebianPackage p = new DebianResolver(List.of(idx)).resolve(List.of("new"), Set.of()).packages().get(0);
    assertEquals(List.of("old (<< 2)", "other"), p.replaces().stream().map(Relation::toString).toList());
    assertEquals("2", p.version().text());
    assertTrue(p.essential());
    assertEquals("t", p.repository());
  }
}

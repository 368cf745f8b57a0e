package dev.sealbuild.prep.packages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.lockfiles.spec.RepositorySpec;
import dev.sealbuild.prep.debian.AptSources;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MirrorsTest {
  @TempDir Path etcApt;

  private static RepositorySpec debian(String suite, URI url) {
    return new RepositorySpec("debian", "debian", url, suite, List.of("main"), null, null);
  }

  @Test
  void deb822SourcesSupplyTheDefaultUrl() throws Exception {
    Files.createDirectories(etcApt.resolve("sources.list.d"));
    Files.writeString(etcApt.resolve("sources.list.d/debian.sources"), """
        Types: deb
        URIs: http://mirror-a.invalid/debian
        Suites: bookworm bookworm-updates
        Components: main contrib
        Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

        Types: deb
        URIs: http://mirror-b.invalid/debian-security
        Suites: bookworm-security
        Components: main
        """);
    Mirrors mirrors = new Mirrors(Map.of(), new AptSources(etcApt));
    assertEquals(URI.create("http://mirror-a.invalid/debian"), mirrors.baseUrl(debian("bookworm", null)));
    assertEquals(URI.create("http://mirror-b.invalid/debian-security"), mirrors.baseUrl(debian("bookworm-security", null)));
  }

  @Test
  void oneLineSourcesListWorksToo() throws Exception {
    Files.writeString(etcApt.resolve("sources.list"),
        "# comment\ndeb [signed-by=/k.gpg] http://mirror-c.invalid/debian/ bookworm main\ndeb-src http://x.invalid/debian bookworm main\n");
    Mirrors mirrors = new Mirrors(Map.of(), new AptSources(etcApt));
    assertEquals(URI.create("http://mirror-c.invalid/debian"), mirrors.baseUrl(debian("bookworm", null)));
  }

  @Test
  void specUrlBeatsAptAndMirrorOptionBeatsBoth() {
    Mirrors plain = new Mirrors(Map.of(), new AptSources(etcApt));
    assertEquals(URI.create("https://spec.invalid/debian"), plain.baseUrl(debian("bookworm", URI.create("https://spec.invalid/debian/"))));
    Mirrors overridden = new Mirrors(Map.of("debian", URI.create("https://override.invalid/d")), new AptSources(etcApt));
    assertEquals(URI.create("https://override.invalid/d"), overridden.baseUrl(debian("bookworm", URI.create("https://spec.invalid/debian"))));
  }

  @Test
  void noMirrorAnywhereSaysHowToSetOne() {
    Mirrors mirrors = new Mirrors(Map.of(), new AptSources(etcApt));
    PackageException e = assertThrows(PackageException.class, () -> mirrors.baseUrl(debian("bookworm", null)));
    assertTrue(e.getMessage().contains("add url:") && e.getMessage().contains("--mirror debian=URL"), e.getMessage());
  }

  @Test
  void mirrorOptionMustNameARepository() {
    Mirrors mirrors = new Mirrors(Map.of("debain", URI.create("https://x.invalid")), new AptSources(etcApt));
    PackageException e = assertThrows(PackageException.class, () -> mirrors.checkOverridesName(List.of(debian("bookworm", null))));
    assertTrue(e.getMessage().contains("debain"), e.getMessage());
    assertThrows(PackageException.class, () -> Mirrors.parseOverride("no-equals-sign"));
    assertThrows(PackageException.class, () -> Mirrors.parseOverride("debian=ftp://old.invalid"));
  }

  @Test
  void aFromBaseEntryMayBeOverriddenByTheNamesItStandsFor() {
    RepositorySpec fromBase = RepositorySpec.fromBase("debian", "debian");
    Mirrors mirrors = new Mirrors(Map.of("debian-2", URI.create("https://near.invalid/debian/")), new AptSources(etcApt));
    mirrors.checkOverridesName(List.of(fromBase));
    assertEquals(URI.create("https://near.invalid/debian"), mirrors.baseUrl("debian-2", URI.create("http://far.invalid/debian")));
    assertEquals(URI.create("http://far.invalid/debian"), mirrors.baseUrl("debian", URI.create("http://far.invalid/debian/")),
        "without an override, the URL the base names");
    for (String wrong : List.of("debian-1", "debian-x", "debian-02")) {
      Mirrors bad = new Mirrors(Map.of(wrong, URI.create("https://near.invalid/debian")), new AptSources(etcApt));
      PackageException e = assertThrows(PackageException.class, () -> bad.checkOverridesName(List.of(fromBase)));
      assertEquals("--mirror " + wrong + "=...: the spec has no repository named " + wrong, e.getMessage());
    }
  }
}

package dev.sealbuild.prep.debian;

import static dev.sealbuild.prep.debian.DebianResolverTest.index;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What a base's dpkg database lists as installed is not installed again; what would remove or upgrade it is refused. */
class DebianResolverInstalledTest {
  private static String pkg(String name, String version, String extra) {
    return "Package: " + name + "\nVersion: " + version + "\nArchitecture: amd64\nFilename: pool/" + name + "_" + version
        + ".deb\nSize: 1\nSHA256: " + "a".repeat(64) + "\n" + extra;
  }

  private static final String STATUS = """
      Package: libc6
      Status: install ok installed
      Version: 2.36-9
      Architecture: amd64
      Multi-Arch: same

      Package: mawk
      Status: install ok installed
      Version: 1.3.4
      Architecture: amd64
      Provides: awk
      Multi-Arch: foreign

      Package: old
      Status: deinstall ok config-files
      Version: 1
      Architecture: amd64

      Package: tzdata
      Status: install ok installed
      Version: 2024a
      Architecture: all
      Breaks: app-broken

      Package: i386lib
      Status: install ok installed
      Version: 1
      Architecture: i386
      """;

  private static List<InstalledDebianPackage> installed() {
    return DpkgStatus.parse(STATUS, "status", true);
  }

  private static List<String> resolve(DebianRepositoryIndex idx, String... request) throws Exception {
    return new DebianResolver(List.of(idx)).resolve(List.of(request), Set.of(), installed()).packages().stream()
        .map(ResolvedDebianPackage::nameAndVersion).toList();
  }

  @Test
  void onlyInstalledStanzasCount() {
    assertEquals(List.of("libc6", "mawk", "tzdata", "i386lib"), installed().stream().map(InstalledDebianPackage::name).toList());
    assertEquals(List.of("a"), DpkgStatus.parse("Package: a\nVersion: 1\nArchitecture: amd64\n", "status.d/a", false).stream()
        .map(InstalledDebianPackage::name).toList(), "distroless status.d records carry no Status: each is installed");
    assertTrue(DpkgStatus.parse("Package: a\nVersion: 1\nArchitecture: amd64\n", "status", true).isEmpty());
  }

  @Test
  void dependenciesTheBaseSatisfiesAreNotInstalledAgain() throws Exception {
    DebianRepositoryIndex idx = index("t", 500,
        pkg("app", "1", "Depends: libc6 (>= 2.36), awk, old, tzdata, i386lib\n"),
        pkg("libc6", "2.36-9", ""), pkg("mawk", "1.3.4", "Provides: awk\n"), pkg("gawk", "5", "Provides: awk\n"),
        pkg("old", "1", ""), pkg("tzdata", "2024a", ""), pkg("i386lib", "1", ""));
    assertEquals(List.of("app=1", "i386lib=1", "old=1"), resolve(idx, "app"),
        "libc6 by version, awk by Provides, tzdata (all); config-files and another architecture's package do not count");
    assertEquals(List.of(), resolve(idx, "libc6", "mawk"), "a requested name the base has is left as it is");
  }

  @Test
  void anUpgradeOrAConflictWithTheBaseIsRefusedInOneLine() throws Exception {
    DebianRepositoryIndex idx = index("t", 500,
        pkg("newer", "1", "Depends: libc6 (>= 2.40)\n"), pkg("libc6", "2.40-1", ""),
        pkg("rival", "1", "Conflicts: mawk\n"),
        pkg("app-broken", "1", ""));
    String upgrade = assertThrows(DebianResolutionException.class, () -> resolve(idx, "newer")).getMessage();
    assertEquals("cannot install libc6 2.40-1 amd64: the base has libc6 2.36-9 amd64 installed and upgrading base packages"
        + " is not supported; use a newer base", upgrade);
    String conflict = assertThrows(DebianResolutionException.class, () -> resolve(idx, "rival")).getMessage();
    assertEquals("cannot install rival 1 amd64: it conflicts with mawk 1.3.4 amd64 installed in the base (mawk); removing base"
        + " packages is not supported", conflict);
    String broken = assertThrows(DebianResolutionException.class, () -> resolve(idx, "app-broken")).getMessage();
    assertEquals("cannot install app-broken 1 amd64: tzdata 2024a all installed in the base conflicts with it (app-broken);"
        + " removing base packages is not supported", broken);
  }
}

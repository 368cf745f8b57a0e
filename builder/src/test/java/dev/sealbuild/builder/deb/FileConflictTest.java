package dev.sealbuild.builder.deb;

import static dev.sealbuild.builder.deb.PackageFixture.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.builder.fs.Node;
import dev.sealbuild.lockfiles.lock.LockedPackage;
import dev.sealbuild.testsupport.deb.DebFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Two packages shipping one path: an error naming both, unless the content is equal or one Replaces the other. */
class FileConflictTest {
  private static DebFile shipping(String name, String content) {
    return DebFile.named(name).dir("./usr/").dir("./usr/bin/").file("./usr/bin/x", content, 0755, 0, 0);
  }

  @ParameterizedTest(name = "{0} then {1} in the lock")
  @CsvSource({"a, b", "b, a"})
  void differentContentAtOnePathNamesBothPackagesAndThePath(String first, String second, @TempDir Path work) throws IOException {
    try (PackageFixture f = new PackageFixture(work)) {
      LockedPackage p1 = f.cache(shipping(first, "content of " + first));
      LockedPackage p2 = f.cache(shipping(second, "content of " + second));
      String message = refused(() -> f.install(p1, p2), "/usr/bin/x", "Replaces");
      assertTrue(message.contains("packages a and b") || message.contains("packages b and a"), message);
    }
  }

  @Test
  void aSymlinkWhereAnotherPackageShipsAFileConflicts(@TempDir Path work) throws IOException {
    try (PackageFixture f = new PackageFixture(work)) {
      LockedPackage a = f.cache(shipping("a", "real file"));
      LockedPackage b = f.cache(DebFile.named("b").dir("./usr/").dir("./usr/bin/").symlink("./usr/bin/x", "busybox"));
      refused(() -> f.install(a, b), "packages a and b", "/usr/bin/x");
    }
  }

  @Test
  void identicalFilesInTwoPackagesAreFine(@TempDir Path work) throws IOException {
    try (PackageFixture f = new PackageFixture(work)) {
      LockedPackage a = f.cache(shipping("a", "same bytes"));
      LockedPackage b = f.cache(shipping("b", "same bytes").symlink("./usr/bin/y", "x"));
      LockedPackage c = f.cache(DebFile.named("c").dir("./usr/").dir("./usr/bin/").symlink("./usr/bin/y", "x"));
      f.install(a, b, c);
      assertEquals("same bytes", f.text("usr/bin/x"));
      assertEquals("x", ((Node.Symlink) f.node("usr/bin/y")).target());
    }
  }

  /**
   * The replacing package's file wins whichever name sorts first and whichever order the lock lists them in,
   * because install order puts the replaced package first.
   */
  @ParameterizedTest(name = "{0} Replaces {1}, lock order reversed: {2}")
  @CsvSource({"b, a, false", "b, a, true", "a, b, false", "a, b, true", "new, old, false", "new, old, true"})
  void theReplacingPackagesFileWins(String replacer, String replaced, boolean reversed, @TempDir Path work) throws IOException {
    try (PackageFixture f = new PackageFixture(work)) {
      LockedPackage winner = f.cache(shipping(replacer, "from " + replacer).field("Replaces", replaced + " (<< 2.0)"));
      LockedPackage loser = f.cache(shipping(replaced, "from " + replaced).file("./usr/bin/only-" + replaced, "kept"));
      if (reversed) {
        f.install(loser, winner);
      } else {
        f.install(winner, loser);
      }
      assertEquals("from " + replacer, f.text("usr/bin/x"));
      assertEquals("kept", f.text("usr/bin/only-" + replaced));
      Map<String, PackageFixture.LayerEntry> layer = f.layer();
      assertEquals("from " + replacer, layer.get("usr/bin/x").text());
      assertTrue(layer.containsKey("var/lib/dpkg/status.d/" + replacer));
      assertTrue(layer.containsKey("var/lib/dpkg/status.d/" + replaced));
    }
  }

  @Test
  void replacesAmongSeveralRelationsAndWithArchQualifierCounts(@TempDir Path work) throws IOException {
    try (PackageFixture f = new PackageFixture(work)) {
      LockedPackage winner = f.cache(shipping("a", "from a").field("Replaces", "other (<< 1),\n z:any (<= 3.0), more"));
      LockedPackage loser = f.cache(shipping("z", "from z"));
      f.install(winner, loser);
      assertEquals("from a", f.text("usr/bin/x"));
    }
  }

  @Test
  void replacesOnTheWrongPackageDoesNotExcuseAConflict(@TempDir Path work) throws IOException {
    try (PackageFixture f = new PackageFixture(work)) {
      LockedPackage a = f.cache(shipping("a", "from a").field("Replaces", "c"));
      LockedPackage b = f.cache(shipping("b", "from b"));
      LockedPackage c = f.cache(DebFile.named("c").file("./etc/c", "c"));
      refused(() -> f.install(List.of(a, b, c).toArray(LockedPackage[]::new)), "packages", "a", "b", "/usr/bin/x");
    }
  }

  @Test
  void aFileWhereAnotherPackageHasADirectoryConflicts(@TempDir Path work) throws IOException {
    try (PackageFixture f = new PackageFixture(work)) {
      LockedPackage a = f.cache(DebFile.named("a").dir("./usr/").dir("./usr/lib/").dir("./usr/lib/plugins/")
          .file("./usr/lib/plugins/a.so", "a's plugin"));
      LockedPackage b = f.cache(DebFile.named("b").dir("./usr/").dir("./usr/lib/").file("./usr/lib/plugins", "not a directory"));
      refused(() -> f.install(a, b), "a", "b", "/usr/lib/plugins");
    }
  }

  @Test
  void aFileOverAnotherPackagesDirectoryIsFineWithReplaces(@TempDir Path work) throws IOException {
    try (PackageFixture f = new PackageFixture(work)) {
      LockedPackage a = f.cache(DebFile.named("a").dir("./usr/").dir("./usr/lib/").dir("./usr/lib/plugins/")
          .file("./usr/lib/plugins/a.so", "a's plugin"));
      LockedPackage b = f.cache(DebFile.named("b").field("Replaces", "a").dir("./usr/").dir("./usr/lib/")
          .file("./usr/lib/plugins", "not a directory"));
      f.install(b, a);
      assertEquals("not a directory", f.text("usr/lib/plugins"));
      assertEquals(false, f.layer().containsKey("usr/lib/plugins/a.so"));
    }
  }

  @Test
  void aPackageMayReplaceItsOwnEntriesLastOneWins(@TempDir Path work) throws IOException {
    try (PackageFixture f = new PackageFixture(work)) {
      f.install(f.cache(DebFile.named("a").dir("./usr/").dir("./usr/x/").file("./usr/x/inner", "1").file("./usr/x", "file at last")));
      assertEquals("file at last", f.text("usr/x"));
    }
  }

  /**
   * With one layer per package, ImageAssembler gives each package its own DebianPackagesSource, so the
   * conflict check (and the Replaces install order) only sees one package at a time: a later package's file
   * silently shadows an earlier package's different file.
   */
  @Test
  void aConflictAcrossPerPackageLayersIsStillAConflict(@TempDir Path work) throws IOException {
    try (PackageFixture f = new PackageFixture(work)) {
      LockedPackage a = f.cache(shipping("a", "from a"));
      LockedPackage b = f.cache(shipping("b", "from b"));
      f.source(List.of(a)).addTo(f.tree);
      f.tree.startLayer("package b");
      refused(() -> f.source(List.of(b)).addTo(f.tree), "packages a and b", "/usr/bin/x");
    }
  }
}

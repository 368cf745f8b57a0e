package dev.sealbuild.builder.apk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.builder.fs.EntryPath;
import dev.sealbuild.formats.oci.Platform;
import dev.sealbuild.lockfiles.lock.LockedPackage;
import dev.sealbuild.lockfiles.lock.RemovedPackage;
import dev.sealbuild.testsupport.apk.TestApk;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base packages the lock removes: on a base layer where {@code bar} (usr/bin/tool, usr/share/bar/notes) and
 * {@code keep 1.0} (usr/share/keep/common, old) are installed, the next layer removes bar for baz (which ships its own
 * usr/bin/tool) and replaces keep 1.0 by 2.0 (common, new), as apk does.
 */
class BaseRemovalTest {
  @TempDir Path work;

  private static final TestApk.Built BAR = TestApk.pkg("bar", "1.0-r0").info("provides", "tool=2").dir("usr").dir("usr/bin")
      .file("usr/bin/tool", "bar\n").dir("usr/share").dir("usr/share/bar").file("usr/share/bar/notes", "bar's\n").build();
  private static final TestApk.Built BAZ = TestApk.pkg("baz", "1.0-r0").info("provides", "tool=1").dir("usr").dir("usr/bin")
      .file("usr/bin/tool", "baz\n").build();
  private static final TestApk.Built KEEP1 = TestApk.pkg("keep", "1.0-r0").dir("usr").dir("usr/share").dir("usr/share/keep")
      .file("usr/share/keep/common", "1\n").file("usr/share/keep/old", "1\n").build();
  private static final TestApk.Built KEEP2 = TestApk.pkg("keep", "2.0-r0").dir("usr").dir("usr/share").dir("usr/share/keep")
      .file("usr/share/keep/common", "2\n").file("usr/share/keep/new", "2\n").build();

  private static RemovedPackage removed(String name, String version) {
    return new RemovedPackage(name, version, List.of(Platform.LINUX_AMD64));
  }

  /** bar and keep 1.0 installed in the base layer for a world of {@code tool keep=1.0-r0}; a new layer started. */
  private ApkFixture base() throws Exception {
    ApkFixture fx = new ApkFixture(work);
    fx.source(List.of(fx.cache(BAR), fx.cache(KEEP1)), List.of("tool", "keep=1.0-r0")).addTo(fx.tree);
    fx.tree.startLayer("packages");
    return fx;
  }

  @Test
  void removedAndReplacedBasePackagesLeaveTheirFilesAndRecords() throws Exception {
    try (ApkFixture fx = base()) {
      LockedPackage baz = fx.cache(BAZ);
      LockedPackage keep2 = fx.cache(KEEP2);
      fx.source(List.of(baz, keep2), List.of("baz", "keep=2.0-r0"),
          List.of(removed("bar", "1.0-r0"), removed("keep", "1.0-r0"))).addTo(fx.tree);

      assertEquals("baz\n", fx.text("usr/bin/tool"), "the new package's file where the removed one had its own");
      assertNull(fx.node("usr/share/bar/notes"));
      assertNull(fx.node("usr/share/bar"), "bar's directory, now empty and nobody's, goes");
      assertEquals("2\n", fx.text("usr/share/keep/common"));
      assertEquals("2\n", fx.text("usr/share/keep/new"));
      assertNull(fx.node("usr/share/keep/old"), "a file of the old version the new one does not ship goes");
      assertTrue(fx.node("usr/share") != null && fx.node("usr/bin") != null, "directories other packages own stay");
      assertTrue(fx.tree.currentLayer().whiteouts().containsAll(
          List.of(EntryPath.parse("usr/share/bar"), EntryPath.parse("usr/share/keep/old"))), fx.tree.currentLayer().whiteouts()::toString);
      assertFalse(fx.tree.currentLayer().whiteouts().contains(EntryPath.parse("usr/share/bar/notes")),
          "no whiteout below a whited-out directory: unpackers would make the directory again to apply it");

      String db = fx.text("lib/apk/db/installed");
      assertEquals(List.of("baz", "keep"), InstalledDb.packageNames(db), db);
      assertTrue(db.contains("P:keep\nV:2.0-r0\n") && !db.contains("P:keep\nV:1.0-r0\n"), db);
      assertFalse(db.contains("notes") || db.contains("R:old"), db);
      assertEquals("baz\nkeep=2.0-r0\ntool\n", fx.text("etc/apk/world"), "the request's entry replaces the base's");
    }
  }

  @Test
  void aRemovalAloneKeepsTheBasesArchAndRemovesTheFiles() throws Exception {
    try (ApkFixture fx = base()) {
      fx.tree.addFile(EntryPath.parse("etc/apk/arch"), new dev.sealbuild.builder.fs.Meta(0644, 0, 0, ApkFixture.EPOCH),
          fx.spool.append(new java.io.ByteArrayInputStream("x86_64\n".getBytes(StandardCharsets.UTF_8)), 7, "arch"));
      fx.source(List.of(), List.of("!bar"), List.of(removed("bar", "1.0-r0"))).addTo(fx.tree);
      assertNull(fx.node("usr/bin/tool"));
      assertNull(fx.node("usr/share/bar"));
      assertEquals("1\n", fx.text("usr/share/keep/old"));
      assertEquals(List.of("keep"), InstalledDb.packageNames(fx.text("lib/apk/db/installed")));
      assertEquals("x86_64\n", fx.text("etc/apk/arch"));
    }
  }

  @Test
  void theSameRemovalGivesTheSameLayer() throws Exception {
    List<dev.sealbuild.formats.digest.Sha256> digests = new java.util.ArrayList<>();
    for (String run : List.of("a", "b")) {
      work = java.nio.file.Files.createDirectories(work.resolve(run));
      try (ApkFixture fx = base()) {
        fx.source(List.of(fx.cache(BAZ), fx.cache(KEEP2)), List.of("baz", "keep=2.0-r0"),
            List.of(removed("keep", "1.0-r0"), removed("bar", "1.0-r0"))).addTo(fx.tree);
        digests.add(new dev.sealbuild.builder.layer.LayerWriter(ApkFixture.EPOCH)
            .write(fx.tree.currentLayer(), fx.tree, fx.work.resolve("layer.tar.gz"), "test").digest());
      }
    }
    assertEquals(digests.get(0), digests.get(1));
  }

  @Test
  void aRemovalTheBaseDoesNotHaveIsRefused() throws Exception {
    try (ApkFixture fx = base()) {
      ApkFixture.refused(() -> fx.source(List.of(), List.of(), List.of(removed("bar", "0.9-r0"))).addTo(fx.tree),
          "the lock removes bar 0.9-r0 from the base", "run build lock again");
    }
  }
}

package dev.sealbuild.builder.deb;

import static dev.sealbuild.builder.deb.DebInstallTest.assertAbsent;
import static dev.sealbuild.builder.deb.DebInstallTest.assertFile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.builder.deb.PackageFixture.LayerEntry;
import dev.sealbuild.builder.fs.EntryPath;
import dev.sealbuild.builder.fs.Meta;
import dev.sealbuild.builder.fs.Node;
import dev.sealbuild.testsupport.deb.DebFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A base with merged /usr ({@code bin -> usr/bin}) and packages that still ship {@code ./bin/...} (checklist 16). */
class MergedUsrTest {
  private static void mergedUsrBase(PackageFixture f) {
    Meta dir = new Meta(0755, 0, 0, PackageFixture.EPOCH);
    f.tree.addDirectory(EntryPath.parse("usr"), dir);
    f.tree.addDirectory(EntryPath.parse("usr/bin"), dir);
    f.tree.addDirectory(EntryPath.parse("usr/lib"), dir);
    f.tree.addSymlink(EntryPath.parse("bin"), new Meta(0777, 0, 0, PackageFixture.EPOCH), "usr/bin");
    f.tree.addSymlink(EntryPath.parse("lib"), new Meta(0777, 0, 0, PackageFixture.EPOCH), "/usr/lib");
    f.tree.startLayer("packages");
  }

  @Test
  void filesUnderBinLandInUsrBinAndTheLinkStays(@TempDir Path work) throws IOException {
    try (PackageFixture f = new PackageFixture(work)) {
      mergedUsrBase(f);
      f.install(f.cache(DebFile.named("dash").dir("./bin/", 0700, 0, 0).file("./bin/sh", "#!dash", 0755, 0, 0)
          .dir("./lib/").dir("./lib/x86_64-linux-gnu/").file("./lib/x86_64-linux-gnu/libdash.so", "elf", 0644, 0, 0)));

      assertTrue(f.node("bin") instanceof Node.Symlink, "bin must stay a symlink, is " + f.node("bin"));
      assertEquals("usr/bin", ((Node.Symlink) f.node("bin")).target());
      assertTrue(f.node("lib") instanceof Node.Symlink, "lib must stay a symlink, is " + f.node("lib"));
      Map<String, LayerEntry> layer = f.layer();
      assertFile(layer, "usr/bin/sh", "#!dash", 0755, 0, 0);
      assertFile(layer, "usr/lib/x86_64-linux-gnu/libdash.so", "elf", 0644, 0, 0);
      // The package layer must not turn bin or lib back into directories over the base's links.
      assertAbsent(layer, "bin/");
      assertAbsent(layer, "bin");
      assertAbsent(layer, "bin/sh");
      assertAbsent(layer, "lib/");
      assertNull(f.tree.currentLayer().entries().get(EntryPath.parse("bin")));
      // Nor is usr/bin's mode changed through the link by the package's ./bin/ entry.
      assertEquals(0755, ((Node.Directory) f.node("usr/bin")).meta().mode());
      assertTrue(f.text("var/lib/dpkg/status.d/dash.md5sums").contains("  bin/sh\n"), "md5sums records the packaged path");
    }
  }
}

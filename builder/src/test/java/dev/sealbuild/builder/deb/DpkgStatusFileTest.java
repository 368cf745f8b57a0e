package dev.sealbuild.builder.deb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.builder.fs.EntryPath;
import dev.sealbuild.builder.fs.Meta;
import dev.sealbuild.testsupport.deb.DebFile;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** On a full Debian base (one with /var/lib/dpkg/status), packages are recorded where dpkg looks. */
class DpkgStatusFileTest {
  private static final String BASE_STATUS = "Package: base-files\nStatus: install ok installed\nVersion: 12.4\n"
      + "Architecture: amd64\nDescription: base\n";

  private static void baseStatus(PackageFixture f, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    Meta dir = new Meta(0755, 0, 0, PackageFixture.EPOCH);
    f.tree.addDirectory(EntryPath.parse("var"), dir);
    f.tree.addDirectory(EntryPath.parse("var/lib"), dir);
    f.tree.addDirectory(EntryPath.parse("var/lib/dpkg"), dir);
    f.tree.addFile(EntryPath.parse("var/lib/dpkg/status"), new Meta(0644, 0, 0, PackageFixture.EPOCH),
        f.spool.append(new ByteArrayInputStream(bytes), bytes.length, "base status"));
  }

  @Test
  void stanzasAreAppendedInNameOrderWithTheirStatusAndFileLists(@TempDir Path work) throws IOException {
    try (PackageFixture f = new PackageFixture(work)) {
      baseStatus(f, BASE_STATUS);
      DebFile login = DebInstallTest.login();
      DebFile meta = DebFile.named("empty-meta").version("2:1.0-1").field("Multi-Arch", "same");
      f.install(f.cache(meta), f.cache(login));

      String loginStanza = login.controlText().replaceFirst("\n", "\nStatus: install ok installed\n");
      String metaStanza = meta.controlText().replaceFirst("\n", "\nStatus: install ok installed\n");
      assertEquals(BASE_STATUS + "\n" + metaStanza + "\n" + loginStanza + "\n", f.text("var/lib/dpkg/status"),
          "the base's records kept, each added one after a blank line, by name");
      String list = f.text("var/lib/dpkg/info/login.list");
      assertTrue(list.startsWith("/.\n/etc\n/etc/shadow\n"), list);
      assertTrue(list.contains("\n/usr/bin/passwd\n") && list.contains("\n/usr/sbin/cppw\n"), list);
      assertEquals(login.md5sums(), f.text("var/lib/dpkg/info/login.md5sums"));
      assertEquals("/.\n", f.text("var/lib/dpkg/info/empty-meta:amd64.list"), "Multi-Arch: same is named PKG:ARCH");
      assertNull(f.node("var/lib/dpkg/status.d"), "no distroless records beside dpkg's own");
    }
  }

  @Test
  void aSinglePackageGetsItsFileListToo(@TempDir Path work) throws IOException {
    try (PackageFixture f = new PackageFixture(work)) {
      baseStatus(f, BASE_STATUS);
      f.install(f.cache(DebInstallTest.login()));
      String list = f.text("var/lib/dpkg/info/login.list");
      assertTrue(list.contains("\n/usr/bin/passwd\n"), "dpkg can remove what it lists: " + list);
    }
  }

  @Test
  void aStatusFileWithoutItsFinalBlankLineGetsOne(@TempDir Path work) throws IOException {
    try (PackageFixture f = new PackageFixture(work)) {
      baseStatus(f, BASE_STATUS.strip());
      DebFile meta = DebFile.named("empty-meta").version("1");
      f.install(f.cache(meta));
      assertTrue(f.text("var/lib/dpkg/status").startsWith(BASE_STATUS + "\nPackage: empty-meta\nStatus: install ok installed\n"));
    }
  }
}

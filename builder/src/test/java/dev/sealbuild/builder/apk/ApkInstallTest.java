package dev.sealbuild.builder.apk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.builder.fs.Node;
import dev.sealbuild.builder.layer.LayerBlob;
import dev.sealbuild.builder.layer.LayerWriter;
import dev.sealbuild.lockfiles.lock.LockedPackage;
import dev.sealbuild.lockfiles.lock.LockedRepository;
import dev.sealbuild.testsupport.Fixtures;
import dev.sealbuild.testsupport.apk.TestApk;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an install generates next to the packages' files, on the real minirootfs and on an empty base. */
class ApkInstallTest {
  private static final String DB = "alpine/v3.20-x86_64-minirootfs-db/";

  @TempDir
  Path work;

  static TestApk.Built hello() {
    return TestApk.pkg("hello", "2.0-r1")
        .info("depend", "libhello")
        .info("provides", "cmd:hello=2.0-r1")
        .info("triggers", "/usr/lib/hello")
        .script("post-install", "#!/bin/sh\necho installed\n")
        .script("trigger", "#!/bin/sh\necho triggered\n")
        .dir("usr").dir("usr/bin")
        .file("usr/bin/hello", "#!/bin/sh\necho hello\n", 0755, "root", "root")
        .build();
  }

  static TestApk.Built libhello() {
    return TestApk.pkg("libhello", "2.0-r1")
        .info("provides", "so:libhello.so.2=2")
        .dir("usr").dir("usr/lib")
        .file("usr/lib/libhello.so.2", "ELF")
        .build();
  }

  @Test
  void onTheMinirootfsKeepsTheBaseRecordsAndAddsTheNewOnes() throws Exception {
    try (ApkFixture fx = new ApkFixture(work)) {
      fx.minirootfsBase();
      fx.repositories.add(new LockedRepository("main", "apk", List.of(), List.of(
          new LockedRepository.Key("test@example.org-1.rsa.pub", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"))));
      LockedPackage hello = fx.cache(hello());
      LockedPackage lib = fx.cache(libhello());
      fx.source(List.of(hello, lib), List.of("hello", "busybox")).addTo(fx.tree);

      String baseDb = Files.readString(Fixtures.file(DB + "installed"));
      String db = fx.text("lib/apk/db/installed");
      assertTrue(db.startsWith(baseDb), "the base's stanzas come first, unchanged");
      // Dependencies first, as apk orders its changeset.
      assertEquals(List.of("libhello", "hello"), InstalledDb.packageNames(db.substring(baseDb.length())));
      assertTrue(db.contains("P:hello\nV:2.0-r1\nA:x86_64\nS:" + hello.size() + "\n"), db);
      assertTrue(db.contains("F:usr/bin\nR:hello\na:0:0:755\nZ:Q1"), db);

      assertEquals(Files.readString(Fixtures.file(DB + "triggers")) + hello.checksum() + " /usr/lib/hello\n",
          fx.text("lib/apk/db/triggers"));
      List<String> scripts = tarNames(ImageFiles.bytes(fx.tree, ApkPackagesSource.SCRIPTS, 1 << 20));
      assertEquals(List.of(
          "alpine-baselayout-3.6.5-r0.Q1qKcZ+j23xssAXmgQhkOO8dHnbWw=.pre-install",
          "alpine-baselayout-3.6.5-r0.Q1qKcZ+j23xssAXmgQhkOO8dHnbWw=.post-install",
          "alpine-baselayout-3.6.5-r0.Q1qKcZ+j23xssAXmgQhkOO8dHnbWw=.pre-upgrade",
          "alpine-baselayout-3.6.5-r0.Q1qKcZ+j23xssAXmgQhkOO8dHnbWw=.post-upgrade",
          "busybox-1.36.1-r29.Q1yY8lhMF1VhgegJgkcXfqaNabDJw=.post-install",
          "busybox-1.36.1-r29.Q1yY8lhMF1VhgegJgkcXfqaNabDJw=.post-upgrade",
          "busybox-1.36.1-r29.Q1yY8lhMF1VhgegJgkcXfqaNabDJw=.trigger",
          "hello-2.0-r1." + hello.checksum() + ".post-install",
          "hello-2.0-r1." + hello.checksum() + ".trigger"), scripts);

      List<String> world = new ArrayList<>(Files.readString(Fixtures.file(DB + "world")).lines().toList());
      world.add("hello");
      assertEquals(String.join("\n", world.stream().sorted().distinct().toList()) + "\n", fx.text("etc/apk/world"));
      assertEquals("https://alpine.invalid/v3.20/main\n", fx.text("etc/apk/repositories"));
      assertEquals(Files.readString(Fixtures.file(DB + "arch")), fx.text("etc/apk/arch"));
      assertEquals("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", fx.text("etc/apk/keys/test@example.org-1.rsa.pub"));
      assertEquals("#!/bin/sh\necho hello\n", fx.text("usr/bin/hello"));
      assertTrue(fx.node("ran") == null);
    }
  }

  @Test
  void sameInputsGiveTheSameLayer() throws Exception {
    List<LayerBlob> layers = new ArrayList<>();
    for (String run : List.of("a", "b")) {
      try (ApkFixture fx = new ApkFixture(Files.createDirectories(work.resolve(run)))) {
        fx.tree.startLayer("packages");
        fx.install(fx.cache(libhello()), fx.cache(hello()));
        layers.add(new LayerWriter(ApkFixture.EPOCH).write(fx.tree.currentLayer(), fx.tree, fx.work.resolve("layer.tar.gz"), "test"));
      }
    }
    assertEquals(layers.get(0).digest(), layers.get(1).digest());
  }

  @Test
  void busyboxAppletLinksAreMadeWhereNothingExists() throws Exception {
    try (ApkFixture fx = new ApkFixture(work)) {
      fx.tree.startLayer("packages");
      TestApk.Built busybox = TestApk.pkg("busybox", "1.36.1-r29")
          .dir("bin").dir("etc").dir("etc/busybox-paths.d").dir("usr").dir("usr/bin")
          .file("bin/busybox", "ELF", 0755, "root", "root")
          .file("bin/sh", "a real shell", 0755, "root", "root")
          .file("etc/busybox-paths.d/busybox", "bin/ls\nusr/bin/[\nbin/sh\nsbin/ifconfig\n")
          .build();
      fx.install(fx.cache(busybox));

      assertEquals("/bin/busybox", assertInstanceOf(Node.Symlink.class, fx.node("bin/ls")).target());
      assertEquals("/bin/busybox", assertInstanceOf(Node.Symlink.class, fx.node("usr/bin/[")).target());
      assertEquals("/bin/busybox", assertInstanceOf(Node.Symlink.class, fx.node("sbin/ifconfig")).target());
      assertEquals("a real shell", fx.text("bin/sh"), "what exists is left alone");
      String db = fx.text("lib/apk/db/installed");
      assertTrue(db.contains("R:busybox\na:0:0:755\n") && !db.contains("R:ls\n"), "the links belong to no package, as with the trigger: " + db);
    }
  }

  /** The applet links of the real minirootfs are what the busybox trigger made: absolute links to /bin/busybox. */
  @Test
  void realMinirootfsAppletLinksPointAtBinBusybox() throws Exception {
    try (ApkFixture fx = new ApkFixture(work)) {
      fx.minirootfsBase();
      List<String> paths = Files.readString(Fixtures.file(DB + "busybox-paths.d_busybox")).lines().filter(l -> !l.isBlank()).toList();
      assertTrue(paths.size() > 100, "busybox lists its applets");
      for (String path : paths) {
        Node node = fx.node(path);
        if (path.equals("bin/busybox")) {
          continue;
        }
        assertEquals("/bin/busybox", assertInstanceOf(Node.Symlink.class, node, path).target(), path);
      }
    }
  }

  private static List<String> tarNames(byte[] tar) throws Exception {
    List<String> names = new ArrayList<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
      TarArchiveEntry e;
      while ((e = in.getNextEntry()) != null) {
        names.add(e.getName());
      }
    }
    return names;
  }
}

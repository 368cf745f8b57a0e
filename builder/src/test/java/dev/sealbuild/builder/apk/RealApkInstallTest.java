package dev.sealbuild.builder.apk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.lockfiles.lock.LockedPackage;
import dev.sealbuild.testsupport.Fixtures;
import dev.sealbuild.testsupport.apk.TestApk;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Installs the real signed strace and curl packages (Alpine 3.16) and a test package on the real Alpine
 * 3.20.3 minirootfs, writes the layers, extracts them with GNU tar and asks the image's own apk about the
 * result. The same packages are also installed by the real {@code apk add --no-scripts} into a second
 * copy of the minirootfs: both databases, script stores and file trees must agree.
 */
class RealApkInstallTest {
  private static final String STRACE = "alpine/v3.16-x86_64/strace-5.17-r0.apk";
  private static final String CURL = "alpine/v3.16-x86_64/curl-7.83.1-r1.apk";
  private static final String INDEX = "alpine/v3.16-x86_64/APKINDEX.subset-unsigned.txt";

  @TempDir
  Path work;
  private ApkFixture fx;
  private final Map<String, byte[]> apkFiles = new LinkedHashMap<>();
  private final List<LockedPackage> locked = new ArrayList<>();

  /** Provides what strace and curl need but the base lacks, and exercises owners, modes, links and scripts. */
  static TestApk.Built testDeps() {
    return TestApk.pkg("testdeps", "1.0-r0")
        .info("provides", "so:libdw.so.1=0.186")
        .info("provides", "so:libcurl.so.4=7.83.1")
        .info("provides", "ca-certificates=20240705-r0")
        .info("depend", "so:libc.musl-x86_64.so.1")
        .info("replaces", "busybox")
        .info("triggers", "/usr/share/testdeps/hooks")
        .script("pre-install", "#!/bin/sh\nexit 0\n")
        .script("post-install", "#!/bin/sh\ntouch /ran-post-install\n")
        .script("trigger", "#!/bin/sh\ntouch /ran-trigger\n")
        .dir("usr")
        .dir("usr/share")
        .dir("usr/share/testdeps")
        .dir("usr/share/testdeps/hooks")
        .dir("usr/share/testdeps/private", 0750, "root", "shadow")
        .file("usr/share/testdeps/private/secret", "s3cret\n", 0640, "nobody", "shadow")
        .file("usr/share/testdeps/README", "hello\n")
        .hardlink("usr/share/testdeps/README.again", "usr/share/testdeps/README", 0644)
        .symlink("usr/share/testdeps/link", "README")
        .file("usr/share/testdeps/run", "#!/bin/sh\n", 0755, "root", "root")
        .dir("var/lib/testdeps", 0700, "daemon", "daemon")
        .dir("etc")
        .file("etc/testdeps.conf", "x = 1\n", 0600, "root", "root")
        // busybox owns this file in the base; testdeps replaces busybox, so it takes the file over
        .file("etc/securetty", "console\n")
        .build();
  }

  /** busybox (in the base) replaces busybox-initscripts: apk keeps busybox's file and skips this one. */
  static TestApk.Built replacedByBase() {
    return TestApk.pkg("busybox-initscripts", "4.4-r0")
        .dir("etc")
        .dir("etc/udhcpc")
        .file("etc/udhcpc/udhcpc.conf", "not installed\n")
        .file("etc/udhcpc/extra.conf", "installed\n")
        .build();
  }

  @BeforeEach
  void setUp() throws Exception {
    ApkFixture.requireChroot();
    fx = new ApkFixture(work);
    fx.minirootfsBase();
    Map<String, String> q1 = indexChecksums(Files.readString(Fixtures.file(INDEX)));
    for (String fixture : List.of(STRACE, CURL)) {
      Path file = Fixtures.file(fixture);
      String base = file.getFileName().toString();
      byte[] bytes = Files.readAllBytes(file);
      String pkg = base.substring(0, base.length() - ".apk".length());
      String[] nameVersion = splitNameVersion(pkg);
      locked.add(fx.cache(nameVersion[0], nameVersion[1], bytes, q1.get(nameVersion[0])));
      apkFiles.put(base, bytes);
    }
    for (TestApk.Built built : List.of(testDeps(), replacedByBase())) {
      locked.add(fx.cache(built));
      apkFiles.put(built.fileName(), built.bytes());
    }
  }

  @Test
  void realApkListsBaseAndNewPackagesAndAuditsClean() throws Exception {
    Path root = freshRoot();
    List<String> baseNames = InstalledDb.packageNames(Files.readString(Fixtures.file("alpine/v3.20-x86_64-minirootfs-db/installed")));

    ApkFixture.Run info = ApkFixture.chroot(root, "/sbin/apk", "info", "-v");
    assertEquals(0, info.exitCode(), info.stderr());
    List<String> listed = info.stdout().lines().toList();
    Map<String, String> baseVersions = versions(Files.readString(Fixtures.file("alpine/v3.20-x86_64-minirootfs-db/installed")));
    for (String name : baseNames) {
      assertTrue(listed.contains(name + "-" + baseVersions.get(name)), "apk info lost base package " + name + ": " + listed);
    }
    for (String expected : List.of("strace-5.17-r0", "curl-7.83.1-r1", "testdeps-1.0-r0", "busybox-initscripts-4.4-r0")) {
      assertTrue(listed.contains(expected), "apk info does not list " + expected + ": " + listed);
    }
    assertEquals(baseNames.size() + 4, listed.size(), "apk info -v: " + listed);

    ApkFixture.Run files = ApkFixture.chroot(root, "/sbin/apk", "info", "-L", "strace");
    assertEquals(0, files.exitCode(), files.stderr());
    assertTrue(files.stdout().lines().anyMatch("usr/bin/strace"::equals), files.stdout());

    // audit --system re-hashes every file of every package against Z: and reports any difference (and, with
    // --check-permissions, owner or mode differences) one line each; nothing printed means all matched.
    ApkFixture.Run audit = ApkFixture.chroot(root, "/sbin/apk", "audit", "--system", "--check-permissions");
    assertEquals(0, audit.exitCode(), audit.stderr());
    // The minirootfs itself reports its /proc (mode 0555), whatever is installed on it.
    ApkFixture.Run baseAudit = ApkFixture.chroot(plainBase(), "/sbin/apk", "audit", "--system", "--check-permissions");
    assertEquals(baseAudit.stdout(), audit.stdout(), "apk audit found differences the base does not have");

    ApkFixture.Run verify = ApkFixture.chroot(root, "/sbin/apk", "info", "-W", "/usr/bin/curl");
    assertEquals(0, verify.exitCode(), verify.stderr());
    assertTrue(verify.stdout().contains("curl-7.83.1-r1"), verify.stdout());
    assertTrue(Files.notExists(root.resolve("ran-post-install")) && Files.notExists(root.resolve("ran-trigger")), "a script ran");

    // apk can go on from the database: removing a package rewrites it and deletes exactly that package's files.
    ApkFixture.Run del = ApkFixture.chroot(root, "/sbin/apk", "del", "--no-network", "--no-scripts", "strace");
    assertEquals(0, del.exitCode(), del.stderr());
    assertTrue(Files.notExists(root.resolve("usr/bin/strace")) && Files.exists(root.resolve("usr/bin/curl")));
    ApkFixture.Run after = ApkFixture.chroot(root, "/sbin/apk", "info", "-v");
    List<String> remaining = after.stdout().lines().toList();
    assertTrue(!remaining.contains("strace-5.17-r0") && remaining.contains("curl-7.83.1-r1"), remaining.toString());
    assertEquals(listed.size() - 1, remaining.size(), remaining.toString());
  }

  @Test
  void sameResultAsRealApkAdd() throws Exception {
    Path ours = freshRoot();
    Path theirs = referenceInstall();

    Map<String, String> ourStanzas = stanzas(Files.readString(ours.resolve("lib/apk/db/installed")));
    Map<String, String> theirStanzas = stanzas(Files.readString(theirs.resolve("lib/apk/db/installed")));
    assertEquals(theirStanzas.keySet(), ourStanzas.keySet());
    for (String name : theirStanzas.keySet()) {
      assertEquals(theirStanzas.get(name), ourStanzas.get(name), "installed-db stanza of " + name);
    }
    assertEquals(Files.readString(theirs.resolve("lib/apk/db/triggers")), Files.readString(ours.resolve("lib/apk/db/triggers")));
    assertEquals(tarListing(theirs.resolve("lib/apk/db/scripts.tar")), tarListing(ours.resolve("lib/apk/db/scripts.tar")));
    assertEquals(tree(theirs), tree(ours), "files, owners, modes and link targets");
    // The file busybox keeps is busybox's; the one testdeps took over is testdeps's.
    assertEquals(Files.readString(theirs.resolve("etc/udhcpc/udhcpc.conf")), Files.readString(ours.resolve("etc/udhcpc/udhcpc.conf")));
    assertEquals("console\n", Files.readString(ours.resolve("etc/securetty")));
    assertTrue(!ourStanzas.get("busybox").contains("R:securetty") && ourStanzas.get("testdeps").contains("R:securetty"));
  }

  private Path freshRoot() throws Exception {
    fx.source(locked, List.of("strace", "curl", "busybox-initscripts")).addTo(fx.tree);
    return fx.extractLayers();
  }

  /** The minirootfs extracted by GNU tar, nothing installed. */
  private Path plainBase() throws Exception {
    Path root = Files.createTempDirectory(work, "plain");
    ApkFixture.Run tar = ApkFixture.run(List.of("tar", "-xzpf", Fixtures.file(ApkFixture.MINIROOTFS).toString(), "-C", root.toString(),
        "--numeric-owner"));
    assertEquals(0, tar.exitCode(), tar.stderr());
    return root;
  }

  /** The same packages installed by the image's own apk, scripts not run, into a copy of the minirootfs. */
  private Path referenceInstall() throws Exception {
    Path root = plainBase();
    Path incoming = Files.createDirectories(root.resolve("tmp/incoming"));
    List<String> command = new ArrayList<>(List.of("/sbin/apk", "add", "--allow-untrusted", "--no-network", "--no-scripts",
        "--no-cache", "--quiet"));
    for (Map.Entry<String, byte[]> e : apkFiles.entrySet()) {
      Files.write(incoming.resolve(e.getKey()), e.getValue());
      command.add("/tmp/incoming/" + e.getKey());
    }
    ApkFixture.Run add = ApkFixture.chroot(root, command.toArray(String[]::new));
    assertEquals(0, add.exitCode(), "real apk add failed: " + add.stderr());
    ApkFixture.run(List.of("rm", "-rf", incoming.toString()));
    return root;
  }

  /** Stanzas by package name. */
  static Map<String, String> stanzas(String db) {
    Map<String, String> byName = new TreeMap<>();
    for (String stanza : db.split("\n\n")) {
      for (String line : stanza.split("\n")) {
        if (line.startsWith("P:")) {
          byName.put(line.substring(2), stanza);
        }
      }
    }
    return byName;
  }

  private static Map<String, String> versions(String db) {
    Map<String, String> v = new TreeMap<>();
    for (String stanza : db.split("\n\n")) {
      String name = null;
      String version = null;
      for (String line : stanza.split("\n")) {
        if (line.startsWith("P:")) {
          name = line.substring(2);
        } else if (line.startsWith("V:")) {
          version = line.substring(2);
        }
      }
      if (name != null) {
        v.put(name, version);
      }
    }
    return v;
  }

  /** The index's C: per package name. */
  private static Map<String, String> indexChecksums(String index) {
    Map<String, String> q1 = new TreeMap<>();
    for (String stanza : index.split("\n\n")) {
      String c = null;
      String p = null;
      for (String line : stanza.split("\n")) {
        if (line.startsWith("C:")) {
          c = line.substring(2);
        } else if (line.startsWith("P:")) {
          p = line.substring(2);
        }
      }
      if (p != null) {
        q1.put(p, c);
      }
    }
    return q1;
  }

  /** {@code strace-5.17-r0} -> strace, 5.17-r0: the version is the last two dash-separated parts. */
  private static String[] splitNameVersion(String pkg) {
    int rel = pkg.lastIndexOf('-');
    int ver = pkg.lastIndexOf('-', rel - 1);
    return new String[] {pkg.substring(0, ver), pkg.substring(ver + 1)};
  }

  private static String tarListing(Path tar) throws Exception {
    ApkFixture.Run list = ApkFixture.run(List.of("tar", "-tvf", tar.toString(), "--numeric-owner", "--full-time"));
    assertEquals(0, list.exitCode(), list.stderr());
    return list.stdout();
  }

  /** Every path of the image except apk's own files and caches, with type, owner, mode, size and link target. */
  private static String tree(Path root) throws IOException {
    StringBuilder out = new StringBuilder();
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.sorted().toList()) {
        String rel = root.relativize(p).toString();
        if (rel.startsWith("lib/apk/db") || rel.startsWith("etc/apk") || rel.startsWith("var/cache") || rel.startsWith("tmp")) {
          continue;
        }
        int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        out.append(rel).append(' ').append(Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS)).append(':')
            .append(Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS)).append(' ').append(Integer.toOctalString(mode));
        if (Files.isSymbolicLink(p)) {
          out.append(" -> ").append(Files.readSymbolicLink(p));
        } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          out.append(' ').append(Files.size(p));
        }
        out.append('\n');
      }
    }
    return out.toString();
  }
}

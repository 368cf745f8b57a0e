package dev.sealbuild.prep.packages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.oci.Platform;
import dev.sealbuild.lockfiles.lock.LockedRootfs;
import dev.sealbuild.lockfiles.lock.RemovedPackage;
import dev.sealbuild.lockfiles.spec.BuildSpec;
import dev.sealbuild.lockfiles.spec.SpecReader;
import dev.sealbuild.prep.debian.AptSources;
import dev.sealbuild.testsupport.apk.SigningKey;
import dev.sealbuild.testsupport.apk.TestApk;
import dev.sealbuild.testsupport.apk.TestApkIndex;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Alpine locker over a base that names its repositories ({@code from: base}), with signed test indexes. */
class AlpineLockerTest {
  private static final SigningKey KEY = SigningKey.generate("base-test-6b1c2d3e.rsa.pub");
  private static final String MAIN = "https://main.example.invalid/alpine";
  private static final String EDGE = "https://edge.example.invalid/alpine";
  private static final Map<String, byte[]> INDEXES = Map.of(
      MAIN + "/x86_64/APKINDEX.tar.gz", index("main", hello("1.0-r0")),
      EDGE + "/x86_64/APKINDEX.tar.gz", index("edge", hello("1.1-r0")));
  private static final LockedBase BASE = new LockedBase(new LockedRootfs("alpine.tar.gz", Sha256.hash(new byte[0]), 0L), null);

  private static TestApk.Built hello(String version) {
    return TestApk.pkg("hello", version).dir("usr").dir("usr/share").file("usr/share/hello", version + "\n").build(KEY);
  }

  private static byte[] index(String description, TestApk.Built pkg) {
    return TestApkIndex.signed(List.of(pkg.indexEntry()), description, KEY);
  }

  /** A transport that serves {@link #INDEXES} and a base whose /etc/apk/repositories is {@code repositories}. */
  private static AlpineLocker.Transport transport(String repositories) {
    return transport(repositories, Map.of());
  }

  /** As above, the base also holding {@code moreFiles} (its apk database). */
  private static AlpineLocker.Transport transport(String repositories, Map<String, String> moreFiles) {
    return new AlpineLocker.Transport() {
      @Override
      public byte[] fetchIndex(URI url, String label) throws IOException {
        byte[] index = INDEXES.get(url.toString());
        if (index == null) {
          throw new IOException("no index at " + url);
        }
        return index;
      }

      @Override
      public Pinned fetchPackage(URI url, String label) {
        throw new AssertionError("a plan downloads no package");
      }

      @Override
      public InputStream openCached(Sha256 digest) {
        throw new AssertionError();
      }

      @Override
      public void discard(Sha256 digest) {
        throw new AssertionError();
      }

      @Override
      public BaseFiles.Found baseFiles(LockedBase base, Platform platform, boolean mayDownload) {
        Map<String, byte[]> files = new java.util.HashMap<>(Map.of(
            "etc/os-release", "ID=alpine\n".getBytes(StandardCharsets.UTF_8),
            "etc/apk/repositories", repositories.getBytes(StandardCharsets.UTF_8),
            "etc/apk/keys/" + KEY.name(), KEY.publicPem().getBytes(StandardCharsets.US_ASCII)));
        moreFiles.forEach((path, text) -> files.put(path, text.getBytes(StandardCharsets.UTF_8)));
        return new BaseFiles.Found("base rootfs alpine.tar.gz", files, Map.of());
      }
    };
  }

  private static List<String> plan(String repositories, String packages) throws IOException {
    return planned(transport(repositories), packages).packages().stream()
        .map(p -> p.name() + "-" + p.version() + " from " + p.repository()).toList();
  }

  private static PackageLocker.Plan planned(AlpineLocker.Transport transport, String packages) throws IOException {
    return planned(transport, packages, BASE);
  }

  private static PackageLocker.Plan planned(AlpineLocker.Transport transport, String packages, LockedBase base)
      throws IOException {
    BuildSpec spec = new SpecReader(Map.of()).parse("build.yaml", "name: a\nbase: {rootfs: {path: alpine.tar.gz}}\n"
        + "repositories: [{name: alpine, type: alpine, from: base}]\npackages: " + packages + "\n");
    AlpineLocker locker = new AlpineLocker(new Mirrors(Map.of(), new AptSources(Path.of("/nonexistent-apt"))), Path.of("."),
        transport, m -> { });
    return locker.plan(spec, base);
  }

  @Test
  void baseUpgradesAndRemovalsArePlannedAsRemovedFromTheBase() throws IOException {
    String repositories = MAIN + "\n@edge " + EDGE + "\n";
    // hello 1.0-r0 from main installed, as apk records it, and in the base's world
    Map<String, String> base = Map.of("lib/apk/db/installed", "C:" + hello("1.0-r0").checksum()
        + "\nP:hello\nV:1.0-r0\nA:x86_64\nS:1\nI:4096\nT:hello\nU:https://example.org/\nL:MIT\n"
        + "F:usr/share\nR:hello\n\n", "etc/apk/world", "hello\n");
    PackageLocker.Plan upgrade = planned(transport(repositories, base), "['hello@edge']");
    assertEquals(List.of("hello-1.1-r0"), upgrade.packages().stream().map(p -> p.name() + "-" + p.version()).toList());
    assertEquals(List.of(new RemovedPackage("hello", "1.0-r0", List.of(Platform.LINUX_AMD64))), upgrade.removed());
    PackageLocker.Plan removal = planned(transport(repositories, base), "['!hello']");
    assertEquals(List.of(), removal.packages());
    assertEquals("hello 1.0-r0 (linux/amd64)", removal.removed().get(0).describe());
    assertEquals(List.of(), planned(transport(repositories, base), "[hello]").removed(), "kept: nothing to remove");

    // On a stage that removed hello: it is not installed any more, so nothing is removed again.
    LockedBase stage = new LockedBase(BASE.rootfs(), null, List.of(),
        List.of(new RemovedPackage("hello", "1.0-r0", List.of(Platform.LINUX_AMD64))));
    PackageLocker.Plan onStage = planned(transport(repositories, base), "['hello@edge']", stage);
    assertEquals(List.of("hello-1.1-r0"), onStage.packages().stream().map(p -> p.name() + "-" + p.version()).toList());
    assertEquals(List.of(), onStage.removed());
  }

  @Test
  void aTaggedLineOfTheBaseIsATaggedRepository() throws IOException {
    String repositories = "# the base's mirrors\n" + MAIN + "\n\n@edge " + EDGE + "\n";
    assertEquals(List.of("hello-1.0-r0 from alpine"), plan(repositories, "[hello]"));
    assertEquals(List.of("hello-1.1-r0 from alpine-2"), plan(repositories, "['hello@edge']"));
    assertEquals("linux/amd64: cannot resolve Alpine packages: hello-1.1-r0 is needed (world -> hello-1.1-r0) but only a"
        + " repository tagged edge has it; request it as hello@edge (apk's pinning)",
        assertThrows(PackageException.class, () -> plan(repositories, "['hello>=1.1']")).getMessage());
    assertEquals("package 'hello@testing': no repository has tag testing (neither a tag: in build.yaml nor a line @testing"
        + " URL in base rootfs alpine.tar.gz's /etc/apk/repositories); add tag: testing to the repository entry it should"
        + " come from, or drop @testing",
        assertThrows(PackageException.class, () -> plan(repositories, "['hello@testing']")).getMessage());
    // untagged, the same repository may satisfy a plain request
    assertEquals(List.of("hello-1.1-r0 from alpine"), plan("@edge " + EDGE + "\n" + EDGE + "\n", "[hello]"));
  }
}

package dev.sealbuild.prep.packages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.oci.Platform;
import dev.sealbuild.lockfiles.lock.LockedRootfs;
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
        return new BaseFiles.Found("base rootfs alpine.tar.gz", Map.of(
            "etc/os-release", "ID=alpine\n".getBytes(StandardCharsets.UTF_8),
            "etc/apk/repositories", repositories.getBytes(StandardCharsets.UTF_8),
            "etc/apk/keys/" + KEY.name(), KEY.publicPem().getBytes(StandardCharsets.US_ASCII)), Map.of());
      }
    };
  }

  private static List<String> plan(String repositories, String packages) throws IOException {
    BuildSpec spec = new SpecReader(Map.of()).parse("build.yaml", "name: a\nbase: {rootfs: {path: alpine.tar.gz}}\n"
        + "repositories: [{name: alpine, type: alpine, from: base}]\npackages: " + packages + "\n");
    AlpineLocker locker = new AlpineLocker(new Mirrors(Map.of(), new AptSources(Path.of("/nonexistent-apt"))), Path.of("."),
        transport(repositories), m -> { });
    return locker.plan(spec, BASE).packages().stream().map(p -> p.name() + "-" + p.version() + " from " + p.repository())
        .toList();
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

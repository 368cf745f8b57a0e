package dev.sealbuild.prep.lock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.oci.Platform;
import dev.sealbuild.lockfiles.cache.VendorCacheLayout;
import dev.sealbuild.lockfiles.lock.LockException;
import dev.sealbuild.lockfiles.lock.LockStatus;
import dev.sealbuild.lockfiles.lock.LockedPackage;
import dev.sealbuild.lockfiles.lock.LockedRepository;
import dev.sealbuild.lockfiles.lock.Lockfile;
import dev.sealbuild.lockfiles.lock.SpecDigest;
import dev.sealbuild.lockfiles.spec.BuildSpec;
import dev.sealbuild.lockfiles.spec.SpecReader;
import dev.sealbuild.prep.debian.AptSources;
import dev.sealbuild.prep.http.TestServer;
import dev.sealbuild.prep.packages.Mirrors;
import dev.sealbuild.prep.packages.PackageLocker;
import dev.sealbuild.prep.registry.RegistrySettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code build lock} and {@code build prep} of a spec with build stages (issue #12). */
class StageLockingTest {
  private static final Platform AMD64 = Platform.parse("linux/amd64");
  private final SpecReader reader = new SpecReader(Map.of());
  private final List<String> downloads = new ArrayList<>();
  private final List<String> resolved = new ArrayList<>();

  private static Sha256 sha(String s) {
    return Sha256.hash(s.getBytes(StandardCharsets.UTF_8));
  }

  private BuildSpec spec(String toolUrl, String imageCmd) {
    return reader.parse("build.yaml", """
        name: hello
        repositories:
          - {name: debian, type: debian, suite: bookworm}
        stages:
          build:
            packages: [gcc]
            files:
              - {url: "%s", dest: /opt/tool.tar.gz, temporary: true}
            run: [make]
        packages: [libc6]
        copy: [{from: build, src: /out/hello, dest: /hello}]
        config: {cmd: [%s]}
        """.formatted(toolUrl, imageCmd));
  }

  /** A downloader that hashes the URL's text and records the label it was asked with. */
  private final Downloader downloader = (url, label) -> {
    downloads.add(label + " " + url);
    return new Downloader.Pinned(sha(url.toString()), url.toString().length());
  };

  /** Pins each requested package at version 1, recording the spec it resolved for. */
  private final PackageLocker packages = (spec, base) -> {
    resolved.add(spec.name() + " " + spec.packages());
    return new PackageLocker.Pinned(List.of(new LockedRepository("debian", "debian", List.of(), null)),
        spec.packages().stream().map(p -> new LockedPackage("deb", p, "1", "amd64", "debian", "pool/main/" + p + "_1_amd64.deb",
            sha(p), 10, null, List.of(AMD64))).toList());
  };

  private Locker locker() {
    return new Locker(downloader, (file, label) -> {
      throw new AssertionError("no local import");
    }, packages, (reference, platforms, previous) -> {
      throw new AssertionError("no base image");
    });
  }

  @Test
  void locksAStagesFilesAndPackagesAsANestedLock() throws Exception {
    BuildSpec spec = spec("https://files.example.invalid/tool.tar.gz", "/hello");
    Lockfile lock = locker().lock(spec, Path.of("."), Optional.empty(), 5);

    assertEquals(List.of("stage 'build' files[0] https://files.example.invalid/tool.tar.gz"), downloads);
    assertEquals(List.of("hello [libc6]", "hello-build [gcc]"), resolved);
    assertEquals(List.of("libc6"), lock.packageList().stream().map(LockedPackage::name).toList());
    assertTrue(lock.files().isEmpty(), "the stage's file is the stage's");
    Lockfile build = lock.stage("build");
    assertEquals(SpecDigest.of(spec.stage("build")), build.specDigest());
    assertEquals(5, build.sourceDateEpoch());
    assertEquals(Lockfile.VERSION, build.lockfileVersion());
    assertEquals(List.of("gcc"), build.packageList().stream().map(LockedPackage::name).toList());
    assertEquals(sha("https://files.example.invalid/tool.tar.gz"), build.file("https://files.example.invalid/tool.tar.gz").orElseThrow().sha256());
    assertEquals(List.of(), LockStatus.check(spec, lock).problems());
  }

  @Test
  void keepsAStagePinWhileTheStageIsUnchanged() throws Exception {
    BuildSpec spec = spec("https://files.example.invalid/tool.tar.gz", "/hello");
    Lockfile first = locker().lock(spec, Path.of("."), Optional.empty(), 0);
    downloads.clear();
    resolved.clear();

    Lockfile again = locker().lock(spec, Path.of("."), Optional.of(first), 0);
    assertEquals(first, again);
    assertEquals(List.of(), downloads, "nothing downloaded again");
    assertEquals(List.of(), resolved, "no package resolved again");

    BuildSpec imageChanged = spec("https://files.example.invalid/tool.tar.gz", "/hello, --verbose");
    Lockfile relocked = locker().lock(imageChanged, Path.of("."), Optional.of(first), 0);
    assertEquals(List.of("hello [libc6]"), resolved, "only the image, whose spec changed, is resolved again");
    assertEquals(first.stage("build"), relocked.stage("build"));
    assertEquals(List.of(), downloads);

    resolved.clear();
    BuildSpec stageChanged = spec("https://files.example.invalid/tool-2.tar.gz", "/hello");
    Lockfile moved = locker().lock(stageChanged, Path.of("."), Optional.of(first), 0);
    assertEquals(List.of("stage 'build' files[0] https://files.example.invalid/tool-2.tar.gz"), downloads);
    assertTrue(resolved.contains("hello-build [gcc]"), resolved.toString());
    assertTrue(moved.stage("build").file("https://files.example.invalid/tool.tar.gz").isEmpty(), "the old file is gone");
    assertEquals(List.of(), LockStatus.check(stageChanged, moved).problems());
    assertTrue(LockStatus.check(stageChanged, first).problems().stream().anyMatch(p -> p.startsWith("stage 'build': ")),
        LockStatus.check(stageChanged, first).summary());
  }

  @Test
  void aUrlTheImageAndAStageShareIsDownloadedOnceAndPinnedAlike() throws Exception {
    BuildSpec spec = reader.parse("build.yaml", """
        name: hello
        stages:
          build:
            files: [{url: "https://files.example.invalid/shared.tar.gz", dest: /opt/shared, temporary: true}]
            run: [make]
        files: [{url: "https://files.example.invalid/shared.tar.gz", dest: /opt/shared}]
        """);
    Lockfile lock = locker().lock(spec, Path.of("."), Optional.empty(), 0);
    assertEquals(List.of("files[0] https://files.example.invalid/shared.tar.gz"), downloads);
    assertEquals(lock.files(), lock.stage("build").files());
  }

  @Test
  void aDryRunNamesTheStageOfEachEntry() throws Exception {
    BuildSpec spec = spec("https://files.example.invalid/tool.tar.gz", "/hello");
    List<Locker.PlannedEntry> plan = locker().plan(spec, Optional.empty());
    assertEquals(List.of("deb libc6 null", "deb gcc build", "file https://files.example.invalid/tool.tar.gz build"),
        plan.stream().map(e -> e.kind() + " " + e.name() + " " + e.stage()).toList());
    assertEquals(List.of(), downloads, "a dry run downloads nothing");
  }

  @Test
  void lockUpdateKeepsWhatEachStagePins() throws Exception {
    BuildSpec spec = spec("https://files.example.invalid/tool.tar.gz", "/hello");
    Lockfile first = locker().lock(spec, Path.of("."), Optional.empty(), 0);
    Lockfile packagesOnly = LockUpdate.packagesOnly(first);
    assertTrue(packagesOnly.stage("build").packageList().isEmpty(), "stage packages are resolved again");
    assertEquals(first.stage("build").files(), packagesOnly.stage("build").files());
    assertEquals(List.of("cc"), LockUpdate.unknown(List.of("gcc", "libc6", "cc"), spec, first), "stage packages are known");
    assertTrue(LockUpdate.basis(spec, first).stage("build").files().isEmpty(), "an unpinned stage file is resolved again");

    LockedPackage gcc2 = new LockedPackage("deb", "gcc", "2", "amd64", "debian", "pool/main/gcc_2_amd64.deb", sha("gcc 2"), 10, null,
        List.of(AMD64));
    Lockfile stageMoved = first.withStages(Map.of("build", new Lockfile(Lockfile.VERSION, first.stage("build").specDigest(), 0, null,
        null, first.stage("build").files(), first.stage("build").repositoryList(), List.of(gcc2))));
    assertEquals(List.of("gcc"), LockUpdate.unasked(List.of("libc6"), first, stageMoved).stream().map(p -> p.name()).toList(),
        "a stage's package that moved unasked is reported");
    assertEquals(List.of(), LockUpdate.unasked(List.of("gcc"), first, stageMoved));
  }

  @Test
  void prepFetchesAStagesFile(@TempDir Path dir) throws Exception {
    byte[] tool = "a tool the build stage needs\n".getBytes(StandardCharsets.UTF_8);
    try (TestServer server = new TestServer().serve("/tool.tar.gz", tool)) {
      BuildSpec spec = reader.parse("build.yaml", """
          name: hello
          stages:
            build:
              files:
                - {url: "%s", dest: /opt/tool.tar.gz, temporary: true}
              run: [make]
          copy: [{from: build, src: /out/hello, dest: /hello}]
          """.formatted(server.uri("/tool.tar.gz")));
      StringWriter err = new StringWriter();
      Lockfile lock;
      try (PrepServices services = services(dir.resolve("lock-cache"), err)) {
        lock = new Locker(services.downloader(), services.importer(), packages, services.baseImages())
            .lock(spec, dir, Optional.empty(), 0);
      }
      assertEquals(Sha256.hash(tool), lock.stage("build").files().get(0).sha256());
      assertEquals(Long.valueOf(tool.length), lock.stage("build").files().get(0).size());

      Path fresh = dir.resolve("prep-cache");
      try (PrepServices services = services(fresh, err)) {
        Preparer.Result result = new Preparer(services, new Mirrors(Map.of(), new AptSources(dir.resolve("no-apt"))), 2)
            .prepare(spec, dir, lock);
        assertEquals(1, result.entries());
        assertEquals(1, result.fetched());
      }
      assertTrue(Files.exists(new VendorCacheLayout(fresh).blob(Sha256.hash(tool))), "the stage's file is in the cache");

      Lockfile withoutStage = lock.withStages(Map.of());
      try (PrepServices services = services(dir.resolve("third"), err)) {
        LockException stale = assertThrows(LockException.class, () -> new Preparer(services,
            new Mirrors(Map.of(), new AptSources(dir.resolve("no-apt"))), 2).prepare(spec, dir, withoutStage));
        assertEquals("build.lock.json is stale: stage 'build' is not pinned; run build lock", stale.getMessage());
      }
    }
  }

  private static PrepServices services(Path cache, StringWriter err) {
    return PrepServices.create(new VendorCacheLayout(cache), Map.of(), new PrintWriter(err), false, 2, RegistrySettings.defaults());
  }

  @Test
  void aScopeOnAStageBasePinsNoBaseAndResolvesOverWhatTheChainInstalls() throws Exception {
    List<dev.sealbuild.prep.packages.LockedBase> bases = new ArrayList<>();
    PackageLocker recording = (spec, base) -> {
      bases.add(base);
      return packages.lock(spec, base);
    };
    BuildSpec spec = reader.parse("build.yaml", """
        name: hello
        repositories:
          - {name: main, type: alpine, url: "https://alpine.example.invalid/v3.20/main", keys: [k.pub]}
        base: {stage: final}
        packages: [curl]
        stages:
          final:
            base: {stage: build}
            packages: [make]
          build:
            packages: [gcc]
        """);
    Lockfile lock = new Locker(downloader, (file, label) -> {
      throw new AssertionError("no local import");
    }, recording, (reference, platforms, previous) -> {
      throw new AssertionError("no base image");
    }).lock(spec, Path.of("."), Optional.empty(), 0);
    assertEquals(List.of("hello-build [gcc]", "hello-final [make]", "hello [curl]"), resolved, "each after its base");
    assertEquals(List.of(), bases.get(0).installed());
    assertEquals(List.of("gcc"), bases.get(1).installed().stream().map(LockedPackage::name).toList());
    assertEquals(List.of("make", "gcc"), bases.get(2).installed().stream().map(LockedPackage::name).toList(),
        "the image counts what both stages of its chain install");
    assertTrue(lock.rootfs() == null && lock.baseImage() == null);
    assertEquals(List.of(), LockStatus.check(spec, lock).problems());

    resolved.clear();
    Locker again = new Locker(downloader, (file, label) -> {
      throw new AssertionError("no local import");
    }, recording, (reference, platforms, previous) -> {
      throw new AssertionError("no base image");
    });
    again.lock(spec, Path.of("."), Optional.of(lock), 0);
    assertEquals(List.of(), resolved, "nothing changed: every closure is kept");
    BuildSpec baseChanged = reader.parse("build.yaml", """
        name: hello
        repositories:
          - {name: main, type: alpine, url: "https://alpine.example.invalid/v3.20/main", keys: [k.pub]}
        base: {stage: final}
        packages: [curl]
        stages:
          final:
            base: {stage: build}
            packages: [make]
          build:
            packages: [gcc, musl-dev]
        """);
    again.lock(baseChanged, Path.of("."), Optional.of(lock), 0);
    assertEquals(List.of("hello-build [gcc, musl-dev]", "hello-final [make]", "hello [curl]"), resolved,
        "what the base stage installs changed: the scopes above it resolve again over it");
  }
}

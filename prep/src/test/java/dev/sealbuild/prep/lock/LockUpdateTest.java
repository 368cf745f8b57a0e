package dev.sealbuild.prep.lock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.lockfiles.diff.Change;
import dev.sealbuild.lockfiles.diff.LockDiff;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.lockfiles.lock.LockedFile;
import dev.sealbuild.lockfiles.lock.LockedPackage;
import dev.sealbuild.lockfiles.lock.LockedRepository;
import dev.sealbuild.lockfiles.lock.LockedRootfs;
import dev.sealbuild.lockfiles.lock.Lockfile;
import dev.sealbuild.lockfiles.lock.RemovedPackage;
import dev.sealbuild.lockfiles.diff.RemovalChange;
import dev.sealbuild.lockfiles.lock.SpecDigest;
import dev.sealbuild.lockfiles.spec.BuildSpec;
import dev.sealbuild.formats.oci.Platform;
import dev.sealbuild.lockfiles.spec.SpecReader;
import dev.sealbuild.prep.packages.PackageLocker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code build lock --update}: everything the spec does not pin is resolved again; the spec's own pins stay. */
class LockUpdateTest {
  private static final Platform AMD64 = Platform.parse("linux/amd64");
  private static final Platform ARM64 = Platform.parse("linux/arm64");
  private static final String PINNED_HEX = sha("pinned").hex();

  private static Sha256 sha(String s) {
    return Sha256.hash(s.getBytes(StandardCharsets.UTF_8));
  }

  private final BuildSpec spec = new SpecReader(Map.of()).parse("build.yaml", """
      name: app
      base:
        rootfs:
          url: https://files.example.invalid/rootfs.tar.gz
      files:
        - url: https://files.example.invalid/moving.tar.gz
          dest: /opt/moving.tar.gz
        - url: https://files.example.invalid/pinned.tar.gz
          sha256: %s
          dest: /opt/pinned.tar.gz
      repositories:
        - name: debian
          type: debian
          suite: bookworm
      packages: [curl]
      """.formatted(PINNED_HEX));

  private final Lockfile previous = new Lockfile(Lockfile.VERSION, SpecDigest.of(spec), 7,
      new LockedRootfs("https://files.example.invalid/rootfs.tar.gz", sha("rootfs v1"), 10L), null,
      List.of(new LockedFile("https://files.example.invalid/moving.tar.gz", sha("moving v1"), 1L),
          new LockedFile("https://files.example.invalid/pinned.tar.gz", sha("pinned"), 42L)),
      List.of(new LockedRepository("debian", "debian", List.of(), null)),
      List.of(curl("8.5.0-2")));

  private static LockedPackage curl(String version) {
    return new LockedPackage("deb", "curl", version, "amd64", "debian", "pool/main/c/curl/curl_" + version + "_amd64.deb",
        sha("curl " + version), 100, null, List.of(AMD64));
  }

  @Test
  void basisKeepsOnlyWhatTheSpecPins() {
    Lockfile basis = LockUpdate.basis(spec, previous);
    assertEquals(List.of("https://files.example.invalid/pinned.tar.gz"), basis.files().stream().map(LockedFile::url).toList());
    assertEquals(42L, basis.files().get(0).size(), "the recorded size carries over");
    assertNull(basis.rootfs(), "the rootfs has no sha256 in the spec");
    assertTrue(basis.packageList().isEmpty());
    assertEquals(previous.sourceDateEpoch(), basis.sourceDateEpoch());
  }

  @Test
  void updateResolvesEverythingUnpinnedAgainAndTheDiffNamesIt() throws Exception {
    List<String> downloaded = new ArrayList<>();
    Downloader network = (url, label) -> {
      downloaded.add(url.toString());
      return new Downloader.Pinned(sha(url.getPath().contains("rootfs") ? "rootfs v2" : "moving v2"), 5);
    };
    PackageLocker packages = (s, rootfs) -> new PackageLocker.Pinned(List.of(new LockedRepository("debian", "debian", List.of(), null)),
        List.of(curl("8.5.0-3")));
    Locker locker = new Locker(network, (file, label) -> {
      throw new AssertionError("no local files here");
    }, packages, (reference, platforms, old) -> {
      throw new AssertionError("no base image here");
    });

    Lockfile kept = locker.lock(spec, Path.of("."), Optional.of(previous), previous.sourceDateEpoch());
    assertTrue(downloaded.isEmpty(), "a plain lock keeps every pin: " + downloaded);
    assertTrue(LockDiff.between(previous, kept).isEmpty());

    Lockfile updated = locker.lock(spec, Path.of("."), Optional.of(LockUpdate.basis(spec, previous)), previous.sourceDateEpoch());
    assertEquals(List.of("https://files.example.invalid/moving.tar.gz", "https://files.example.invalid/rootfs.tar.gz"),
        downloaded.stream().sorted().toList(), "only the unpinned inputs are fetched again");
    LockDiff diff = LockDiff.between(previous, updated);
    assertEquals(List.of("curl 8.5.0-2 -> 8.5.0-3"),
        diff.packages().stream().map(p -> p.name() + " " + p.fromVersion() + " -> " + p.toVersion()).toList());
    assertEquals(List.of("https://files.example.invalid/moving.tar.gz"), diff.files().stream().map(f -> f.url()).toList());
    assertEquals(Change.CHANGED, diff.rootfs().change());
    assertEquals(42L, updated.file("https://files.example.invalid/pinned.tar.gz").orElseThrow().size(),
        "the spec-pinned file keeps its recorded size");
  }

  private static LockedPackage pkg(String name, String version) {
    return new LockedPackage("deb", name, version, "amd64", "debian", "pool/main/x/" + name + "_" + version + "_amd64.deb",
        sha(name + " " + version), 100, null, List.of(AMD64));
  }

  private Lockfile withPackages(LockedPackage... packages) {
    return new Lockfile(1, previous.specDigest(), 0, null, null, List.of(),
        List.of(new LockedRepository("debian", "debian", List.of(), null)), List.of(packages));
  }

  @Test
  void updatingNamedPackagesKeepsFilesAndRootfsAndReportsWhatElseMoved() {
    Lockfile basis = LockUpdate.packagesOnly(previous);
    assertEquals(previous.files(), basis.files());
    assertEquals(previous.rootfs(), basis.rootfs());
    assertTrue(basis.packageList().isEmpty(), "packages are resolved again");

    Lockfile before = withPackages(pkg("curl", "8.5.0-2"), pkg("libssl3", "3.0.11"), pkg("zlib1g", "1.2.13"));
    Lockfile after = withPackages(pkg("curl", "8.5.0-3"), pkg("libssl3", "3.0.13"), pkg("zlib1g", "1.2.13"), pkg("libnew", "1.0"));
    assertEquals(List.of("libssl3"), LockUpdate.unasked(List.of("curl"), before, after).stream().map(p -> p.name()).toList(),
        "curl was asked for and libnew is a new dependency; libssl3 moved unasked");
    assertTrue(LockUpdate.unasked(List.of("curl", "libssl3"), before, after).isEmpty());

    LockedPackage zlib = pkg("zlib1g", "1.2.13");
    LockedPackage zlibBuildOnly = new LockedPackage(zlib.type(), zlib.name(), zlib.version(), zlib.architecture(),
        zlib.repository(), zlib.path(), zlib.sha256(), zlib.size(), zlib.checksum(), zlib.platforms(), true);
    assertTrue(LockUpdate.unasked(List.of("curl"), withPackages(pkg("curl", "8.5.0-2"), zlibBuildOnly),
        withPackages(pkg("curl", "8.5.0-3"), zlib)).isEmpty(), "zlib1g stayed at its version, now in the image: it did not move");
    assertEquals(List.of("curll"), LockUpdate.unknown(List.of("curl", "curll"), spec, before));
    assertEquals(Optional.of("updating curl would also move libssl3 3.0.11 -> 3.0.13 (the repositories no longer offer "
        + "what is pinned); name them too, or run build lock --update without names"),
        LockUpdate.refusal(List.of("curl"), before, after));
    assertEquals(Optional.empty(), LockUpdate.refusal(List.of("curl", "libssl3"), before, after));
  }

  private Lockfile withRemoved(List<LockedPackage> packages, RemovedPackage... removed) {
    return new Lockfile(1, previous.specDigest(), 0, null, null, List.of(),
        List.of(new LockedRepository("alpine", "alpine", List.of(), null)), packages, null, null, null, List.of(removed));
  }

  @Test
  void baseRemovalsThatAppearOrGoAreReportedAsUnasked() {
    List<LockedPackage> before = List.of(pkg("curl", "8.9.1-r0"));
    List<LockedPackage> after = List.of(pkg("curl", "8.9.1-r1"));
    RemovedPackage extras = new RemovedPackage("busybox-extras", "1.36.1-r29", List.of(AMD64));
    RemovedPackage ssl = new RemovedPackage("ssl_client", "1.36.1-r29", List.of(AMD64, ARM64));
    Lockfile old = withRemoved(before, ssl);
    Lockfile now = withRemoved(after, extras);

    assertEquals(List.of("+busybox-extras", "-ssl_client"), LockUpdate.unaskedRemovals(List.of("curl"), old, now).stream()
        .map(r -> r.change().sign() + r.name()).toList());
    assertEquals(Optional.of("updating curl would also change what it removes from base (removed from base: "
        + "+ busybox-extras 1.36.1-r29 on linux/amd64, - ssl_client 1.36.1-r29 on linux/amd64 and linux/arm64); name them "
        + "too, or run build lock --update without names"), LockUpdate.refusal(List.of("curl"), old, now));
    assertEquals(Optional.empty(), LockUpdate.refusal(List.of("curl"), old, withRemoved(after, ssl)),
        "the same removals: nothing unasked");
    assertEquals(List.of("busybox-extras"), LockUpdate.unaskedRemovals(List.of("curl", "ssl_client"), old, now).stream()
        .map(RemovalChange::name).toList());
    assertEquals(List.of(), LockUpdate.unknown(List.of("ssl_client"), spec, old), "a base package the lock removes is known");

    Lockfile moved = withRemoved(List.of(pkg("curl", "8.9.1-r1"), pkg("libssl3", "3.3.2-r0")), extras);
    String both = LockUpdate.refusal(List.of("curl"), withRemoved(List.of(pkg("curl", "8.9.1-r0"), pkg("libssl3",
        "3.3.1-r0"))), moved).orElseThrow();
    assertEquals("updating curl would also move libssl3 3.3.1-r0 -> 3.3.2-r0 (the repositories no longer offer what is "
        + "pinned) and change what it removes from base (removed from base: + busybox-extras 1.36.1-r29 on linux/amd64); "
        + "name them too, or run build lock --update without names", both);
  }
}

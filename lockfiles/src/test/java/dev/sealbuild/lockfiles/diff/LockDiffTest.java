package dev.sealbuild.lockfiles.diff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.json.CanonicalJson;
import dev.sealbuild.lockfiles.lock.LockedBaseImage;
import dev.sealbuild.lockfiles.lock.LockedDescriptor;
import dev.sealbuild.lockfiles.lock.LockedFile;
import dev.sealbuild.lockfiles.lock.LockedPackage;
import dev.sealbuild.lockfiles.lock.LockedPlatformImage;
import dev.sealbuild.lockfiles.lock.LockedRepository;
import dev.sealbuild.lockfiles.lock.LockedRootfs;
import dev.sealbuild.lockfiles.lock.Lockfile;
import dev.sealbuild.formats.oci.Platform;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class LockDiffTest {
  private static final Platform AMD64 = Platform.parse("linux/amd64");
  private static final Platform ARM64 = Platform.parse("linux/arm64");
  private static final Sha256 SPEC = sha("spec");

  private static Sha256 sha(String s) {
    return Sha256.hash(s.getBytes(StandardCharsets.UTF_8));
  }

  private static LockedPackage deb(String name, String version, String arch, Platform... platforms) {
    return new LockedPackage("deb", name, version, arch, "debian", "pool/main/" + name + "_" + version + "_" + arch + ".deb",
        sha(name + version + arch), 1, null, List.of(platforms));
  }

  private static LockedPackage apk(String name, String version, String arch, Platform... platforms) {
    return new LockedPackage("apk", name, version, arch, "main", arch + "/" + name + "-" + version + ".apk",
        sha(name + version + arch), 1, "Q1x=", List.of(platforms));
  }

  private static Lockfile lock(List<LockedPackage> packages) {
    return new Lockfile(Lockfile.VERSION, SPEC, 0, null, null, List.of(), null, packages);
  }

  private static List<String> names(LockDiff diff) {
    return diff.packages().stream().map(p -> p.change().sign() + p.name() + ":" + p.architecture()).toList();
  }

  @Test
  void identicalLocksHaveNoDifferences() {
    Lockfile a = lock(List.of(deb("curl", "8.5.0-2", "amd64", AMD64), deb("tzdata", "2024a", "all", AMD64, ARM64)));
    LockDiff diff = LockDiff.between(a, a);
    assertTrue(diff.isEmpty());
    assertEquals(List.of("no differences"), LockDiffText.lines(diff));
  }

  @Test
  void namesExactlyTheAddedRemovedAndChangedPackages() {
    Lockfile old = lock(List.of(deb("curl", "8.5.0-2", "amd64", AMD64), deb("bar", "1.0", "all", AMD64),
        deb("same", "1", "amd64", AMD64), deb("zlib1g", "1:1.2.13", "amd64", AMD64)));
    Lockfile now = lock(List.of(deb("curl", "8.5.0-3", "amd64", AMD64), deb("libfoo", "1.2", "amd64", AMD64),
        deb("same", "1", "amd64", AMD64), deb("zlib1g", "1:1.3", "amd64", AMD64)));
    LockDiff diff = LockDiff.between(old, now);
    assertEquals(List.of("-bar:all", "~curl:amd64", "+libfoo:amd64", "~zlib1g:amd64"), names(diff));
    PackageChange curl = diff.packages().get(1);
    assertEquals("8.5.0-2", curl.fromVersion());
    assertEquals("8.5.0-3", curl.toVersion());
    assertEquals(List.of(AMD64), curl.platforms());
    assertEquals(sha("curl8.5.0-3amd64"), curl.toSha256());
    List<String> lines = LockDiffText.lines(diff);
    assertEquals(List.of(
        "packages:",
        "  - bar     1.0                 (all)",
        "  ~ curl    8.5.0-2 -> 8.5.0-3  (amd64)",
        "  + libfoo  1.2                 (amd64)",
        "  ~ zlib1g  1:1.2.13 -> 1:1.3   (amd64)",
        "packages: 1 added, 1 removed, 2 changed"), lines);
    assertTrue(LockDiff.between(now, old).packages().stream().anyMatch(p -> p.change() == Change.REMOVED && p.name().equals("libfoo")),
        "reversed, an added package is removed");
  }

  @Test
  void baseRemovalsThatAppearOrGoAreNamed() {
    Lockfile before = new Lockfile(Lockfile.VERSION, SPEC, 0, null, null, List.of(), null, null, null, null, null,
        List.of(new dev.sealbuild.lockfiles.lock.RemovedPackage("keep", "1.0-r0", List.of(AMD64))));
    Lockfile after = new Lockfile(Lockfile.VERSION, SPEC, 0, null, null, List.of(), null, null, null, null, null,
        List.of(new dev.sealbuild.lockfiles.lock.RemovedPackage("bar", "1.0-r0", List.of(AMD64))));
    LockDiff diff = LockDiff.between(before, after);
    assertEquals(List.of("removed from base:", "  + bar 1.0-r0  on linux/amd64", "  - keep 1.0-r0  on linux/amd64",
        "removals from base: 1 added, 1 removed"), LockDiffText.lines(diff));
    assertTrue(LockDiff.between(after, after).isEmpty());
    assertFalse(new String(LockDiff.between(lock(List.of()), lock(List.of())).toJson(), java.nio.charset.StandardCharsets.UTF_8)
        .contains("removedFromBase"), "locks without removals diff as before");
  }

  @Test
  void eachArchitectureIsItsOwnEntry() {
    Lockfile old = lock(List.of(deb("curl", "8.5.0-2", "amd64", AMD64), deb("curl", "8.5.0-2", "arm64", ARM64)));
    Lockfile now = lock(List.of(deb("curl", "8.5.0-3", "amd64", AMD64), deb("curl", "8.5.0-2", "arm64", ARM64)));
    LockDiff diff = LockDiff.between(old, now);
    assertEquals(List.of("~curl:amd64"), names(diff), "arm64 curl did not change");
    assertEquals("  ~ curl  8.5.0-2 -> 8.5.0-3  (amd64)", LockDiffText.lines(diff).get(1),
        "the architecture says where; no platform list needed");
  }

  @Test
  void aVersionChangedOnOnePlatformOnlyNamesThatPlatform() {
    Lockfile old = lock(List.of(deb("tzdata", "2024a-0", "all", AMD64, ARM64)));
    Lockfile now = lock(List.of(deb("tzdata", "2024a-0", "all", ARM64), deb("tzdata", "2024b-0", "all", AMD64)));
    LockDiff diff = LockDiff.between(old, now);
    assertEquals(1, diff.packages().size(), diff.toString());
    PackageChange tzdata = diff.packages().get(0);
    assertEquals(Change.CHANGED, tzdata.change());
    assertEquals(List.of(AMD64), tzdata.platforms());
    assertEquals(List.of(ARM64), tzdata.unchangedOn());
    assertEquals("  ~ tzdata  2024a-0 -> 2024b-0  (all) on linux/amd64", LockDiffText.lines(diff).get(1));

    LockDiff everywhere = LockDiff.between(old, lock(List.of(deb("tzdata", "2024b-0", "all", AMD64, ARM64))));
    assertEquals(List.of(AMD64, ARM64), everywhere.packages().get(0).platforms());
    assertEquals("  ~ tzdata  2024a-0 -> 2024b-0  (all)", LockDiffText.lines(everywhere).get(1));
  }

  @Test
  void aPackageGainingAPlatformIsAddedThere() {
    Lockfile old = lock(List.of(deb("tzdata", "2024a", "all", AMD64)));
    Lockfile now = lock(List.of(deb("tzdata", "2024a", "all", AMD64, ARM64)));
    LockDiff diff = LockDiff.between(old, now);
    assertEquals(List.of("+tzdata:all"), names(diff));
    assertEquals(List.of(ARM64), diff.packages().get(0).platforms());
    assertTrue(LockDiffText.lines(diff).get(1).endsWith("(all) on linux/arm64"), LockDiffText.lines(diff).toString());
  }

  @Test
  void sameVersionOtherBytesIsAChange() {
    LockedPackage original = deb("curl", "8.5.0-2", "amd64", AMD64);
    LockedPackage rebuilt = new LockedPackage("deb", "curl", "8.5.0-2", "amd64", "debian", original.path(), sha("rebuilt"), 1, null,
        List.of(AMD64));
    LockDiff diff = LockDiff.between(lock(List.of(original)), lock(List.of(rebuilt)));
    assertEquals(1, diff.packages().size());
    assertTrue(diff.packages().get(0).contentOnly());
    String line = LockDiffText.lines(diff).get(1);
    assertTrue(line.contains("8.5.0-2 rebuilt: sha256:" + original.sha256().hex().substring(0, 12) + " -> sha256:"
        + sha("rebuilt").hex().substring(0, 12)), line);
  }

  private static LockedPackage buildOnly(LockedPackage p) {
    return new LockedPackage(p.type(), p.name(), p.version(), p.architecture(), p.repository(), p.path(), p.sha256(), p.size(),
        p.checksum(), p.platforms(), true);
  }

  @Test
  void aPackageThatBecameBuildOnlyOrStoppedBeingIsAChange() throws Exception {
    LockedPackage gcc = deb("gcc", "12.2.0-14", "amd64", AMD64);
    LockedPackage make = deb("make", "4.3-4.1", "amd64", AMD64);
    LockDiff diff = LockDiff.between(lock(List.of(gcc, buildOnly(make))), lock(List.of(buildOnly(gcc), make)));
    assertEquals(List.of("~gcc:amd64", "~make:amd64"), names(diff));
    assertTrue(diff.packages().get(0).onlyBuildOnlyChanged());
    assertFalse(diff.packages().get(0).contentOnly(), "the bytes are the same: not a rebuild");
    assertEquals(List.of(
        "packages:",
        "  ~ gcc   12.2.0-14  (amd64) now build-only",
        "  ~ make  4.3-4.1    (amd64) no longer build-only",
        "packages: 2 changed"), LockDiffText.lines(diff));

    JsonNode json = CanonicalJson.mapper().readTree(diff.toJson()).get("packages");
    assertEquals(false, json.get(0).get("fromBuildOnly").asBoolean());
    assertEquals(true, json.get(0).get("toBuildOnly").asBoolean());
    assertEquals(true, json.get(1).get("fromBuildOnly").asBoolean());
    assertEquals(false, json.get(1).get("toBuildOnly").asBoolean());
    assertEquals("12.2.0-14", json.get(0).get("toVersion").asText());

    LockDiff moved = LockDiff.between(lock(List.of(gcc)), lock(List.of(buildOnly(deb("gcc", "12.2.0-15", "amd64", AMD64)))));
    assertEquals("  ~ gcc  12.2.0-14 -> 12.2.0-15  (amd64) now build-only", LockDiffText.lines(moved).get(1));
    assertFalse(moved.packages().get(0).onlyBuildOnlyChanged());

    LockDiff same = LockDiff.between(lock(List.of(buildOnly(gcc))), lock(List.of(buildOnly(gcc))));
    assertTrue(same.isEmpty());
    assertFalse(new String(LockDiff.between(lock(List.of(gcc)), lock(List.of(deb("gcc", "12.2.0-15", "amd64", AMD64))))
        .toJson(), StandardCharsets.UTF_8).contains("BuildOnly"), "a change without a flip has no build-only fields");
  }

  @Test
  void alpinePackagesCompareTheSameWay() {
    Lockfile old = lock(List.of(apk("busybox", "1.36.1-r28", "x86_64", AMD64), apk("busybox", "1.36.1-r28", "aarch64", ARM64)));
    Lockfile now = lock(List.of(apk("busybox", "1.36.1-r29", "x86_64", AMD64), apk("busybox", "1.36.1-r29", "aarch64", ARM64),
        apk("curl", "8.9.1-r0", "x86_64", AMD64)));
    assertEquals(List.of("~busybox:aarch64", "~busybox:x86_64", "+curl:x86_64"), names(LockDiff.between(old, now)));
  }

  @Test
  void filesRootfsAndSpecChanges() {
    Lockfile old = new Lockfile(Lockfile.VERSION, SPEC, 0, new LockedRootfs("https://e.invalid/rootfs.tar", sha("r1"), 1L),
        List.of(new LockedFile("https://e.invalid/a", sha("a1"), 1L), new LockedFile("https://e.invalid/gone", sha("g"), 1L),
            new LockedFile("https://e.invalid/same", sha("s"), 1L)));
    Lockfile now = new Lockfile(Lockfile.VERSION, sha("spec2"), 5, new LockedRootfs("https://e.invalid/rootfs.tar", sha("r2"), 9L),
        List.of(new LockedFile("https://e.invalid/a", sha("a2"), 1L), new LockedFile("https://e.invalid/new", sha("n"), 1L),
            new LockedFile("https://e.invalid/same", sha("s"), 2L)));
    LockDiff diff = LockDiff.between(old, now);
    assertEquals(List.of("~https://e.invalid/a", "-https://e.invalid/gone", "+https://e.invalid/new"),
        diff.files().stream().map(f -> f.change().sign() + f.url()).toList(), "a size alone is no difference");
    assertEquals(sha("a1"), diff.files().get(0).fromSha256());
    assertEquals(sha("a2"), diff.files().get(0).toSha256());
    assertEquals(Change.CHANGED, diff.rootfs().change());
    assertEquals(sha("r2"), diff.rootfs().toSha256());
    assertEquals(sha("spec2"), diff.specDigest().to());
    assertEquals(5L, diff.sourceDateEpoch().to());
    String text = String.join("\n", LockDiffText.lines(diff));
    assertTrue(text.contains("files:\n  ~ https://e.invalid/a     sha256:"), text);
    assertTrue(text.contains("rootfs:\n  ~ https://e.invalid/rootfs.tar  sha256:" + sha("r1").hex().substring(0, 12)), text);
    assertTrue(text.endsWith("files: 1 added, 1 removed, 1 changed; rootfs changed; spec changed; epoch changed"), text);

    LockDiff dropped = LockDiff.between(old, new Lockfile(Lockfile.VERSION, SPEC, 0, null, old.files()));
    assertEquals(Change.REMOVED, dropped.rootfs().change());
    assertNull(dropped.rootfs().toSha256());
  }

  @Test
  void baseImageRootAndPerPlatformManifests() {
    LockedBaseImage before = base("index1", "m-amd64-1", "m-arm64-1");
    LockedBaseImage after = base("index2", "m-amd64-2", "m-arm64-1");
    LockDiff diff = LockDiff.between(withBase(before), withBase(after));
    BaseImageChange change = diff.baseImage();
    assertEquals(Change.CHANGED, change.change());
    assertEquals(sha("index1"), change.fromDigest());
    assertEquals(sha("index2"), change.toDigest());
    assertEquals(List.of(AMD64), change.platforms().stream().map(BaseImageChange.PlatformManifestChange::platform).toList());
    assertEquals(sha("m-amd64-2"), change.platforms().get(0).toDigest());
    assertNull(LockDiff.between(withBase(before), withBase(before)).baseImage());
    List<String> lines = LockDiffText.lines(diff);
    assertEquals("base image:", lines.get(0));
    assertTrue(lines.get(1).startsWith("  ~ registry.example.invalid/library/alpine:3.20  sha256:"), lines.toString());
    assertTrue(lines.get(2).startsWith("    ~ linux/amd64  sha256:" + sha("m-amd64-1").hex().substring(0, 12)), lines.toString());
  }

  private static LockedBaseImage base(String root, String amd64, String arm64) {
    return new LockedBaseImage("registry.example.invalid/library/alpine:3.20", "registry.example.invalid/library/alpine",
        new LockedDescriptor("application/vnd.oci.image.index.v1+json", sha(root), 100),
        List.of(platform(AMD64, amd64), platform(ARM64, arm64)));
  }

  private static LockedPlatformImage platform(Platform platform, String manifest) {
    return new LockedPlatformImage(platform, new LockedDescriptor("application/vnd.oci.image.manifest.v1+json", sha(manifest), 10),
        new LockedDescriptor("application/vnd.oci.image.config.v1+json", sha("config"), 10), List.of());
  }

  private static Lockfile withBase(LockedBaseImage base) {
    return new Lockfile(Lockfile.VERSION, SPEC, 0, null, base, List.of(), null, null);
  }

  @Test
  void repositoryIndexesAndKeys() {
    Lockfile old = new Lockfile(Lockfile.VERSION, SPEC, 0, null, null, List.of(), List.of(
        new LockedRepository("debian", "debian", List.of(new LockedRepository.Index("dists/bookworm/InRelease", sha("r1"),
            "Sat, 01 Jun 2024 10:00:00 UTC", "F1")), null),
        new LockedRepository("main", "alpine", List.of(), List.of(new LockedRepository.Key("a.rsa.pub", "PEM1")))), null);
    Lockfile now = new Lockfile(Lockfile.VERSION, SPEC, 0, null, null, List.of(), List.of(
        new LockedRepository("debian", "debian", List.of(new LockedRepository.Index("dists/bookworm/InRelease", sha("r2"),
            "Sat, 15 Jun 2024 10:00:00 UTC", "F1")), null),
        new LockedRepository("main", "alpine", List.of(), List.of(new LockedRepository.Key("a.rsa.pub", "PEM1"),
            new LockedRepository.Key("b.rsa.pub", "PEM2")))), null);
    LockDiff diff = LockDiff.between(old, now);
    assertEquals(List.of("~debian dists/bookworm/InRelease", "+main key b.rsa.pub"),
        diff.repositories().stream().map(r -> r.change().sign() + r.repository() + " " + r.item()).toList());
    assertTrue(String.join("\n", LockDiffText.lines(diff))
        .contains("(Sat, 01 Jun 2024 10:00:00 UTC -> Sat, 15 Jun 2024 10:00:00 UTC)"));
  }

  @Test
  void jsonIsCanonicalAndComplete() throws Exception {
    Lockfile old = lock(List.of(deb("curl", "8.5.0-2", "amd64", AMD64), deb("bar", "1.0", "all", AMD64)));
    List<LockedPackage> shuffled = new ArrayList<>(List.of(deb("curl", "8.5.0-3", "amd64", AMD64), deb("libfoo", "1.2", "amd64", AMD64)));
    LockDiff diff = LockDiff.between(old, lock(shuffled));
    Collections.reverse(shuffled);
    assertArrayEquals(diff.toJson(), LockDiff.between(old, lock(shuffled)).toJson(), "same content, same bytes");
    JsonNode json = CanonicalJson.mapper().readTree(diff.toJson());
    assertEquals(3, json.get("packages").size());
    JsonNode curl = json.get("packages").get(1);
    assertEquals("changed", curl.get("change").asText());
    assertEquals("8.5.0-2", curl.get("fromVersion").asText());
    assertEquals("8.5.0-3", curl.get("toVersion").asText());
    assertEquals("sha256:" + sha("curl8.5.0-3amd64").hex(), curl.get("toSha256").asText());
    assertEquals("[\"linux/amd64\"]", curl.get("platforms").toString());
    assertFalse(json.has("rootfs") || json.has("empty"), json.toString());
  }
}

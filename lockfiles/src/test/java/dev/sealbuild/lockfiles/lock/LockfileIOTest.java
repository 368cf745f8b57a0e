package dev.sealbuild.lockfiles.lock;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.lockfiles.spec.BuildSpec;
import dev.sealbuild.formats.oci.Platform;
import dev.sealbuild.lockfiles.spec.SpecReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LockfileIOTest {
  private static final Sha256 A = Sha256.ofHex("a".repeat(64));
  private static final Sha256 B = Sha256.ofHex("b".repeat(64));
  private final LockfileIO io = new LockfileIO();

  @Test
  void canonicalFormIsSortedIndentedAndEndsWithNewline() {
    Lockfile lock = new Lockfile(1, A, 0, null,
        List.of(new LockedFile("https://z.invalid/z", B, 2L), new LockedFile("https://a.invalid/a", A, 1L)));
    String text = new String(io.toBytes(lock), StandardCharsets.UTF_8);
    assertTrue(text.endsWith("}\n"), text);
    assertTrue(text.indexOf("https://a.invalid/a") < text.indexOf("https://z.invalid/z"), "entries sorted");
    assertTrue(text.indexOf("\"files\"") < text.indexOf("\"lockfileVersion\""), "keys sorted");
    assertTrue(text.contains("\n  \"files\": [\n    {\n      \"sha256\""), text);
    assertFalse(text.contains("\r"));
    Lockfile reordered = new Lockfile(1, A, 0, null,
        List.of(new LockedFile("https://a.invalid/a", A, 1L), new LockedFile("https://z.invalid/z", B, 2L)));
    assertArrayEquals(io.toBytes(lock), io.toBytes(reordered), "same inputs, same bytes");
  }

  @Test
  void roundTrips(@TempDir Path dir) throws Exception {
    Lockfile lock = new Lockfile(1, A, 42, new LockedRootfs("rootfs.tar", B, 9L), List.of(new LockedFile("https://a.invalid/a", A, null)));
    Path f = dir.resolve(Lockfile.FILE_NAME);
    io.write(lock, f);
    assertEquals(lock, io.read(f));
    try (var s = Files.list(dir)) {
      assertEquals(1, s.count(), "no temp file left behind");
    }
  }

  @Test
  void aWrongValueIsNamedByItsKeyWithWhatBelongsThere(@TempDir Path dir) throws Exception {
    Path f = dir.resolve(Lockfile.FILE_NAME);
    String digest = "\"specDigest\":\"sha256:" + "a".repeat(64) + "\"";
    Map<String, String> expected = Map.of(
        "{\"lockfileVersion\":1," + digest + ",\"files\":[{\"sha256\":12,\"url\":\"u\"}]}",
        "files[0].sha256: expected a string \"sha256:\" followed by 64 lowercase hex digits, found a number",
        "{\"lockfileVersion\":1," + digest + ",\"files\":[{\"sha256\":\"sha256:" + "a".repeat(64) + "\",\"url\":7}]}",
        "files[0].url: expected a string, found a number",
        "{\"lockfileVersion\":1," + digest + ",\"stages\":{\"build\":{\"lockfileVersion\":1," + digest + ",\"files\":{}}}}",
        "stages.build.files: expected an array, found an object",
        "{\"lockfileVersion\":1," + digest + ",\"packages\":[{\"name\":\"p\"}]}",
        "missing required key 'type' in packages[0]",
        "{\"lockfileVersion\":1," + digest + ",\"fles\":[]}",
        "unknown key 'fles' at the top level (known keys: baseImage, excluded, files,",
        "{\"lockfileVersion\":1," + digest + ",\"files\":[",
        "not valid JSON: the file ends in the middle of the document (truncated?)");
    for (Map.Entry<String, String> e : expected.entrySet()) {
      Files.writeString(f, e.getKey());
      LockException thrown = assertThrows(LockException.class, () -> io.read(f), e.getKey());
      assertTrue(thrown.getMessage().contains(": invalid lockfile: " + e.getValue()), thrown.getMessage());
    }
  }

  @Test
  void rejectsBadDigestsUnknownKeysAndVersions(@TempDir Path dir) throws Exception {
    Path f = dir.resolve(Lockfile.FILE_NAME);
    for (String bad : List.of(
        "{\"lockfileVersion\":1,\"specDigest\":\"sha256:" + "A".repeat(64) + "\"}",
        "{\"lockfileVersion\":1,\"specDigest\":\"sha512:" + "a".repeat(64) + "\"}",
        "{\"lockfileVersion\":1,\"specDigest\":\"sha256:../../x\"}",
        "{\"lockfileVersion\":1,\"specDigest\":\"sha256:" + "a".repeat(63) + "\"}",
        "{\"lockfileVersion\":2,\"specDigest\":\"sha256:" + "a".repeat(64) + "\"}",
        "{\"lockfileVersion\":1,\"specDigest\":\"sha256:" + "a".repeat(64) + "\",\"surprise\":1}",
        "not json")) {
      Files.writeString(f, bad);
      LockException e = assertThrows(LockException.class, () -> io.read(f), bad);
      assertTrue(e.getMessage().contains("build.lock.json") && !e.getMessage().contains("\n"), e.getMessage());
    }
  }

  /** Found by LockFuzzTest: Jackson's "Unrecognized field "sha" (class dev.sealbuild.lockfiles.lock.LockedPackage)". */
  @Test
  void anUnknownKeyIsNamedWithoutJava(@TempDir Path dir) throws Exception {
    Path f = dir.resolve(Lockfile.FILE_NAME);
    Files.writeString(f, "{\"lockfileVersion\":1,\"specDigest\":\"sha256:" + "a".repeat(64) + "\",\"surprise\":1}");
    LockException e = assertThrows(LockException.class, () -> io.read(f));
    assertTrue(e.getMessage().contains("invalid lockfile: unknown key 'surprise' at the top level (known keys: "), e.getMessage());
    dev.sealbuild.testsupport.RefusalText.assertPlainWords("unknown key", e.getMessage(), f.toString(), false);
  }

  @Test
  void missingLockSaysToRunLock(@TempDir Path dir) {
    LockException e = assertThrows(LockException.class, () -> io.read(dir.resolve(Lockfile.FILE_NAME)));
    assertTrue(e.getMessage().contains("run 'build lock'"));
  }

  @Test
  void statusNamesWhatChanged() {
    SpecReader reader = new SpecReader(Map.of());
    BuildSpec v1 = reader.parse("build.yaml", "name: a\nfiles: [{url: 'https://e.invalid/x', dest: /x}]\n");
    BuildSpec v2 = reader.parse("build.yaml", "name: a\nfiles: [{url: 'https://e.invalid/y', dest: /x}]\n");
    Lockfile lock = new Lockfile(1, SpecDigest.of(v1), 0, null, List.of(new LockedFile("https://e.invalid/x", A, 1L)));
    assertTrue(LockStatus.check(v1, lock).upToDate());
    LockStatus stale = LockStatus.check(v2, lock);
    assertFalse(stale.upToDate());
    assertTrue(stale.summary().contains("https://e.invalid/y is not pinned"), stale.summary());
    assertTrue(stale.summary().contains("no longer declares"), stale.summary());
  }

  @Test
  void aRemovalFromABaseTheSpecDoesNotHaveIsStale() {
    BuildSpec scratch = new SpecReader(Map.of()).parse("build.yaml", "name: a\n");
    Lockfile lock = new Lockfile(1, SpecDigest.of(scratch), 0, null, null, List.of(), null, null, null, null, null,
        List.of(new RemovedPackage("bar", "1.0-r0", List.of(Platform.LINUX_AMD64))));
    LockStatus stale = LockStatus.check(scratch, lock);
    assertTrue(stale.summary().contains("the lock removes bar 1.0-r0 from the base, but the spec's base is scratch"),
        stale.summary());
    assertTrue(LockStatus.check(scratch, new Lockfile(1, SpecDigest.of(scratch), 0, null, null, List.of(), null, null, null,
        null, null, List.of())).upToDate());
  }

  @Test
  void specDigestIgnoresFormattingButNotContent() {
    SpecReader reader = new SpecReader(Map.of());
    BuildSpec a = reader.parse("build.yaml", "name: a\nconfig: {env: {A: '1', B: '2'}}\n");
    BuildSpec b = reader.parse("build.yaml", "# comment\nconfig:\n  env:\n    B: '2'\n    A: '1'\nname: a\n");
    BuildSpec c = reader.parse("build.yaml", "name: a\nconfig: {env: {A: '1', B: '3'}}\n");
    assertEquals(SpecDigest.of(a), SpecDigest.of(b));
    assertFalse(SpecDigest.of(a).equals(SpecDigest.of(c)));
  }

  @Test
  void unusedKeysDoNotChangeTheDigest() {
    SpecReader reader = new SpecReader(Map.of());
    BuildSpec bare = reader.parse("build.yaml", "name: a\n");
    BuildSpec explicitEmpty = reader.parse("build.yaml", "name: a\nfiles: []\ncopy: []\npackages: []\nexclude: []\nconfig: {}\n");
    assertEquals(SpecDigest.of(bare), SpecDigest.of(explicitEmpty));
  }

  @Test
  void excludedPackagesAreRecordedSortedAndLeftOutWhenThereAreNone(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Sha256 spec = Sha256.hash("spec".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    Lockfile none = new Lockfile(Lockfile.VERSION, spec, 0, null, null, List.of(), null, null, List.of());
    LockfileIO io = new LockfileIO();
    assertFalse(new String(io.toBytes(none), java.nio.charset.StandardCharsets.UTF_8).contains("excluded"),
        "an empty list is not written: locks made before exclusions were recorded stay byte for byte");
    Lockfile some = new Lockfile(Lockfile.VERSION, spec, 0, null, null, List.of(), null, null, List.of(
        new ExcludedPackage("perl-base", List.of("debconf", "app", "app"), List.of(Platform.LINUX_AMD64)),
        new ExcludedPackage("dash", List.of("app"), List.of(Platform.LINUX_AMD64))));
    Path file = dir.resolve(Lockfile.FILE_NAME);
    io.write(some, file);
    String text = Files.readString(file);
    assertTrue(text.contains("\"excluded\": ["), text);
    assertTrue(text.indexOf("\"dash\"") < text.indexOf("\"perl-base\""), text);
    Lockfile read = io.read(file);
    assertEquals(some, read);
    assertEquals(List.of("app", "debconf"), read.excludedList().get(1).neededBy());
    assertEquals("perl-base (needed by app, debconf; linux/amd64)", read.excludedList().get(1).describe());
    assertFalse(text.contains("dependencies"), "no dependencies key when none are known: " + text);
  }

  @Test
  void baseRemovalsAreRecordedSortedReadBackAndLeftOutWhenThereAreNone(@TempDir Path dir) throws Exception {
    Sha256 spec = Sha256.hash("spec".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    LockfileIO io = new LockfileIO();
    Lockfile none = new Lockfile(Lockfile.VERSION, spec, 0, null, null, List.of(), null, null, null, null, List.of("foo"));
    assertFalse(new String(io.toBytes(none), java.nio.charset.StandardCharsets.UTF_8).contains("removed"),
        "locks that remove nothing stay byte for byte as before");
    Lockfile some = new Lockfile(Lockfile.VERSION, spec, 0, null, null, List.of(), null, null, null, null, List.of("foo"),
        List.of(new RemovedPackage("keep", "1.0-r0", List.of(Platform.LINUX_AMD64)),
            new RemovedPackage("bar", "1.0-r0", List.of(new Platform("linux", "arm64", null), Platform.LINUX_AMD64))));
    Path file = dir.resolve(Lockfile.FILE_NAME);
    io.write(some, file);
    String text = Files.readString(file);
    assertTrue(text.contains("\"removed\": [") && text.indexOf("\"bar\"") < text.indexOf("\"keep\""), text);
    Lockfile read = io.read(file);
    assertEquals(some, read);
    assertEquals("bar 1.0-r0 (linux/amd64, linux/arm64)", read.removedList().get(0).describe());
    Files.writeString(file, text.replace("\"keep\"", "\"bar\""));
    LockException twice = assertThrows(LockException.class, () -> io.read(file));
    assertTrue(twice.getMessage().contains("removed names bar twice for linux/amd64"), twice.getMessage());
  }

  @Test
  void theDependenciesExcludeDroppedAreRecordedAndReadBack(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Sha256 spec = Sha256.hash("spec".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    Lockfile lock = new Lockfile(Lockfile.VERSION, spec, 0, null, null, List.of(), null, null, List.of(
        new ExcludedPackage("debconf", List.of("ca-certificates"), List.of(Platform.LINUX_AMD64),
            List.of("ca-certificates -> debconf (>= 0.5) | debconf-2.0"))));
    LockfileIO io = new LockfileIO();
    Path file = dir.resolve(Lockfile.FILE_NAME);
    io.write(lock, file);
    assertTrue(Files.readString(file).contains("\"ca-certificates -> debconf (>= 0.5) | debconf-2.0\""));
    Lockfile read = io.read(file);
    assertEquals(lock, read);
    assertEquals("debconf (needed by ca-certificates; linux/amd64; dropped: ca-certificates -> debconf (>= 0.5) |"
        + " debconf-2.0)", read.excludedList().get(0).describe());
  }

  @Test
  void anAlpineWorldIsRecordedAsWrittenSortedByNameAndCheckedWhenRead(@TempDir Path dir) throws Exception {
    Sha256 spec = Sha256.hash("spec".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    Lockfile lock = new Lockfile(Lockfile.VERSION, spec, 0, null, null, List.of(), null, null, null, null,
        List.of("curl>=8", "!doc-pkg", "hello@edge", "/bin/sh", "busybox=1.36.1-r29"));
    assertEquals(List.of("/bin/sh", "busybox=1.36.1-r29", "curl>=8", "!doc-pkg", "hello@edge"), lock.worldList(),
        "by name, as apk writes /etc/apk/world; each entry exactly as written");
    Path file = dir.resolve(Lockfile.FILE_NAME);
    io.write(lock, file);
    assertEquals(lock, io.read(file));
    assertFalse(new String(io.toBytes(new Lockfile(Lockfile.VERSION, spec, 0, null, List.of())),
        java.nio.charset.StandardCharsets.UTF_8).contains("world"), "absent when not recorded: other locks are unchanged");
    Files.writeString(file, Files.readString(file).replace("curl>=8", "curl=>8"));
    LockException e = assertThrows(LockException.class, () -> io.read(file));
    assertTrue(e.getMessage().contains("curl=>8") && !e.getMessage().contains("\n"), e.getMessage());
  }
}

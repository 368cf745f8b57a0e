package dev.sealbuild.builder.hostile;

import static dev.sealbuild.builder.hostile.Fixture.EPOCH;
import static dev.sealbuild.builder.hostile.Fixture.OWNER;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.builder.archive.IngestPolicy;
import dev.sealbuild.builder.archive.ZipIngest;
import dev.sealbuild.builder.fs.EntryPath;
import dev.sealbuild.builder.fs.Meta;
import dev.sealbuild.formats.compress.ArchiveFormat;
import dev.sealbuild.formats.compress.DecompressionLimits;
import dev.sealbuild.formats.compress.Decompressors;
import dev.sealbuild.lockfiles.lock.LockfileIO;
import dev.sealbuild.lockfiles.spec.SpecReader;
import dev.sealbuild.testsupport.RefusalText;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bad-input corpus run through the real readers (spec, tar with each compression, zip): every refusal is one
 * line, names the input, and speaks words, not Java (no class names, no "null", no empty reason).
 */
class ErrorTextSweepTest {
  private static final String SPEC = "bad/build.yaml";
  private static final String ARCHIVE = "files[0] https://example.invalid/app";

  @TempDir
  Path work;
  @TempDir
  Path archives;

  private interface Action {
    void run() throws Exception;
  }

  @TestFactory
  List<DynamicTest> everyRefusalIsOneLineOfWordsNamingTheInput() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    Map<String, String> specs = new java.util.LinkedHashMap<>();
    specs.put("type mismatch (map for a list)", "name: app\npackages: {a: 1}\n");
    specs.put("type mismatch (list for a string)", "name: [a, b]\n");
    specs.put("type mismatch (string for a map)", "name: app\nconfig: text\n");
    specs.put("type mismatch in a nested list", "name: app\nfiles:\n  - url: [1]\n    dest: /x\n");
    specs.put("number where a boolean goes", "name: app\nfiles:\n  - url: https://x.invalid/a.tar\n    dest: /x\n    extract: {}\n");
    specs.put("malformed YAML", "name: app\n  - broken: [\n");
    specs.put("tab indentation", "name: app\nconfig:\n\tworkdir: /x\n");
    specs.put("unknown key", "name: app\nfile: []\n");
    specs.put("missing name", "packages: []\n");
    specs.put("alias", "name: app\nconfig:\n  entrypoint: [\"/bin/app\"]\n  cmd: [*x]\n");
    specs.put("anchor", "name: &n app\n");
    specs.put("top-level list", "- a\n- b\n");
    specs.put("top-level scalar", "just text\n");
    specs.put("duplicate key", "name: a\nname: b\n");
    specs.put("number for a list", "name: app\npackages: 5\n");
    specs.put("text for the copy list", "name: app\ncopy: text\n");
    specs.put("list for a file mode", "name: app\nfiles:\n  - url: https://x.invalid/a\n    dest: /x\n    mode: [1]\n");
    specs.put("list for the environment", "name: app\nconfig:\n  env: [1, 2]\n");
    specs.put("mapping for a step's command", "name: app\nrun:\n  - command: {a: 1}\n");
    specs.put("list for the stages", "name: app\nstages: [build]\n");
    specs.put("text for a stage", "name: app\nstages:\n  build: text\n");
    specs.put("broken step in a stage", "name: app\nstages:\n  build:\n    run: [{command: [1, {}]}]\n");
    specs.put("number for the platforms", "name: app\nplatforms: 3\n");
    specs.put("mapping for a platform", "name: app\nplatforms: [{os: linux}]\n");
    specs.forEach((what, yaml) -> tests.add(check("spec: " + what, SPEC,
        () -> new SpecReader(Map.of()).parse(SPEC, yaml))));
    Path lockFile = work.resolve("build.lock.json");
    badLocks().forEach((what, json) -> tests.add(check("lock: " + what, lockFile.toString(), () -> {
      Files.writeString(lockFile, json);
      new LockfileIO().read(lockFile);
    })));

    byte[] random = new byte[200_000];
    new Random(7).nextBytes(random);
    byte[] tar = new RawTar().add(RawTar.header("rand.bin", '0').size(random.length)).data(random).end().bytes();
    for (ArchiveFormat format : List.of(ArchiveFormat.TAR, ArchiveFormat.TAR_GZIP, ArchiveFormat.TAR_XZ, ArchiveFormat.TAR_ZSTD)) {
      byte[] whole = format == ArchiveFormat.TAR ? tar : DecompressionBombTest.compress(format, tar);
      tests.add(check(format + " truncated inside an entry", ARCHIVE, () -> tar(whole, whole.length / 2, format)));
      tests.add(check(format + " truncated in its first header", ARCHIVE, () -> tar(whole, 100, format)));
      tests.add(check(format + " empty", ARCHIVE, () -> tar(whole, 0, format)));
      // Damage to the data itself is the sha256's job; damage where the structure lies must be refused here.
      byte[] garbage = whole.clone();
      for (int i = 12; i < 76; i++) {
        garbage[i] ^= 0x5a;
      }
      tests.add(check(format + " damaged after its first bytes", ARCHIVE, () -> tar(garbage, garbage.length, format)));
    }
    tests.add(check("zstd frame with a 2 GiB window", ARCHIVE,
        () -> tar(DecompressionBombTest.zstdRawFrame(tar, 31), Integer.MAX_VALUE, ArchiveFormat.TAR_ZSTD)));
    byte[] xz = DecompressionBombTest.compress(ArchiveFormat.TAR_XZ, tar);
    tests.add(check("xz with a 1 GiB dictionary", ARCHIVE,
        () -> tar(DecompressionBombTest.withXzDictionary(xz, 36), Integer.MAX_VALUE, ArchiveFormat.TAR_XZ)));
    tests.add(check("plain text declared as tar.gz", ARCHIVE, () -> tar("hello".getBytes(), 5, ArchiveFormat.TAR_GZIP)));

    byte[] zip = zipOf("a.txt", random);
    tests.add(check("zip truncated", ARCHIVE, () -> zip(Arrays.copyOf(zip, zip.length / 2))));
    tests.add(check("zip empty", ARCHIVE, () -> zip(new byte[0])));
    tests.add(check("plain text named .zip", ARCHIVE, () -> zip("plain text".getBytes())));
    byte[] damaged = zip.clone();
    for (int i = 0; i < 4; i++) {
      damaged[i] ^= 0x5a;
    }
    tests.add(check("zip with a damaged local header", ARCHIVE, () -> zip(damaged)));
    // Found by ZipFuzzTest: the central directory ends early (commons-compress said "Error reading Zip content from /tmp/...").
    byte[] cutDirectory = fuzzInput("ZipFuzzTestInputs/centralDirectory/crash-4433abb55722c8993ff6e96d6e7b15e087f020f5");
    tests.add(check("zip whose central directory is cut short", ARCHIVE, () -> zip(cutDirectory)));
    return tests;
  }

  private static final String HEX = "0123456789abcdef".repeat(4);
  private static final String FILE = "{\"sha256\": \"sha256:" + HEX + "\", \"size\": 3, \"url\": \"https://example.invalid/a\"}";
  private static final String PACKAGE = "{\"architecture\": \"amd64\", \"name\": \"p\", \"path\": \"pool/p.deb\", "
      + "\"platforms\": [\"linux/amd64\"], \"repository\": \"debian\", \"sha256\": \"sha256:" + HEX + "\", \"size\": 1, "
      + "\"type\": \"deb\", \"version\": \"1\"}";

  /** A lock whose top-level keys are {@code fields} plus a valid version and spec digest. */
  private static String lock(String fields) {
    return "{" + fields + (fields.isEmpty() ? "" : ", ") + "\"lockfileVersion\": 1, \"specDigest\": \"sha256:" + HEX + "\"}";
  }

  private static Map<String, String> badLocks() {
    Map<String, String> locks = new java.util.LinkedHashMap<>();
    String whole = lock("\"files\": [" + FILE + "], \"packages\": [" + PACKAGE + "], \"sourceDateEpoch\": 0");
    locks.put("malformed JSON", "{\"files\": [,]}");
    locks.put("truncated", whole.substring(0, whole.length() / 2));
    locks.put("empty", "");
    locks.put("trailing text", whole + " {}");
    locks.put("a list at the top", "[" + whole + "]");
    locks.put("text at the top", "\"lock\"");
    locks.put("missing lockfileVersion", "{\"specDigest\": \"sha256:" + HEX + "\"}");
    locks.put("missing specDigest", "{\"lockfileVersion\": 1}");
    locks.put("unsupported lockfileVersion", "{\"lockfileVersion\": 9, \"specDigest\": \"sha256:" + HEX + "\"}");
    locks.put("text for lockfileVersion", "{\"lockfileVersion\": \"one\", \"specDigest\": \"sha256:" + HEX + "\"}");
    locks.put("unknown top-level key", lock("\"fles\": []"));
    locks.put("unknown key in a file", lock("\"files\": [{\"sha256\": \"sha256:" + HEX + "\", \"url\": \"u\", \"colour\": 1}]"));
    locks.put("short digest", lock("\"files\": [{\"sha256\": \"sha256:abc\", \"url\": \"u\"}]"));
    locks.put("md5 digest", lock("\"files\": [{\"sha256\": \"md5:abc\", \"url\": \"u\"}]"));
    locks.put("number for a digest", lock("\"files\": [{\"sha256\": 12, \"url\": \"u\"}]"));
    locks.put("number for a string", lock("\"files\": [{\"sha256\": \"sha256:" + HEX + "\", \"url\": 12}]"));
    locks.put("object for a string", lock("\"packages\": [" + PACKAGE.replace("\"name\": \"p\"", "\"name\": {}") + "]"));
    locks.put("string for a number", lock("\"sourceDateEpoch\": \"soon\""));
    locks.put("negative size", lock("\"files\": [" + FILE.replace("\"size\": 3", "\"size\": -3") + "]"));
    locks.put("object for the files list", lock("\"files\": {}"));
    locks.put("string for the files list", lock("\"files\": \"a\""));
    locks.put("list for a package", lock("\"packages\": [[1]]"));
    locks.put("missing package key", lock("\"packages\": [" + PACKAGE.replace("\"path\": \"pool/p.deb\", ", "") + "]"));
    locks.put("bad platform", lock("\"packages\": [" + PACKAGE.replace("linux/amd64", "linux") + "]"));
    locks.put("null for a required key", lock("\"files\": [{\"sha256\": null, \"url\": \"u\"}]"));
    locks.put("true for a list", lock("\"repositories\": true"));
    locks.put("string for the rootfs size", lock("\"rootfs\": {\"sha256\": \"sha256:" + HEX + "\", \"size\": \"big\", \"source\": \"s\"}"));
    locks.put("number for a whole-number key", lock("\"sourceDateEpoch\": 1.5"));
    locks.put("control characters", "\u0001\u0002");
    locks.put("base image pins no platform", lock("\"baseImage\": {\"platforms\": [], \"reference\": \"r\", "
        + "\"repository\": \"r\", \"root\": {\"digest\": \"sha256:" + HEX + "\", \"mediaType\": \"a/b\", \"size\": 1}}"));
    locks.put("stages not a map", lock("\"stages\": [1]"));
    locks.put("stage pins nothing", lock("\"stages\": {\"build\": null}"));
    locks.put("stage missing its spec digest", lock("\"stages\": {\"build\": {\"lockfileVersion\": 1}}"));
    locks.put("broken file in a stage", lock("\"stages\": {\"build\": " + lock("\"files\": [{\"sha256\": 1, \"url\": []}]") + "}"));
    locks.put("unknown key in a stage", lock("\"stages\": {\"build\": " + lock("\"colour\": 1") + "}"));
    return locks;
  }

  /** An input a fuzz target found and keeps as a regression input (builder/src/test/resources/.../fuzz/). */
  private static byte[] fuzzInput(String path) throws IOException {
    try (var in = ErrorTextSweepTest.class.getResourceAsStream("/dev/sealbuild/builder/fuzz/" + path)) {
      assertNotNull(in, path);
      return in.readAllBytes();
    }
  }

  private void tar(byte[] bytes, int length, ArchiveFormat format) throws IOException {
    try (Fixture f = new Fixture(work)) {
      byte[] cut = Arrays.copyOf(bytes, Math.min(length, bytes.length));
      f.ingest(new Decompressors(DecompressionLimits.DEFAULT).tarStream(new ByteArrayInputStream(cut), format, ARCHIVE),
          IngestPolicy.rootfs(EPOCH, ARCHIVE));
    }
  }

  private void zip(byte[] bytes) throws IOException {
    Path file = Files.write(Files.createTempFile(archives, "app", ".zip"), bytes);
    try (Fixture f = new Fixture(work)) {
      EntryPath dest = EntryPath.parse("opt/app");
      f.tree.addDirectory(dest, new Meta(0755, OWNER, OWNER, EPOCH));
      new ZipIngest(f.spool, DecompressionLimits.DEFAULT).ingest(file, f.tree, IngestPolicy.extract(dest, OWNER, OWNER, EPOCH, ARCHIVE));
    }
  }

  private byte[] zipOf(String name, byte[] data) throws IOException {
    Path p = archives.resolve("source.zip");
    try (var out = new org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream(p)) {
      out.putArchiveEntry(new org.apache.commons.compress.archivers.zip.ZipArchiveEntry(name));
      out.write(data);
      out.closeArchiveEntry();
    }
    return Files.readAllBytes(p);
  }

  private static DynamicTest check(String name, String input, Action action) {
    return DynamicTest.dynamicTest(name, () -> {
      Throwable thrown = null;
      try {
        action.run();
      } catch (Throwable t) {
        thrown = t;
      }
      assertNotNull(thrown, name + ": accepted, but must be refused");
      if (thrown instanceof AssertionError || thrown instanceof NullPointerException || thrown instanceof ClassCastException
          || thrown instanceof IndexOutOfBoundsException) {
        throw new AssertionError(name + ": a bug, not a refusal", thrown);
      }
      String message = thrown.getMessage();
      RefusalText.assertPlainWords(name, message, input, false);
      assertTrue(message.startsWith(input), name + ": message must name the input '" + input + "' first: " + message);
    });
  }
}

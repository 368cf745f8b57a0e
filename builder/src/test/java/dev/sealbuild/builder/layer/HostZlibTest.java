package dev.sealbuild.builder.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.testsupport.Fixtures;
import dev.sealbuild.testsupport.Requirements;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reproduction: a zlib built from Debian's own source with one level-6 tuning value changed (max_chain
 * 128 -> 64), preloaded into a JVM, changes what the JDK's Deflater writes, and must not change one byte of the
 * layers sealbuild writes.
 */
class HostZlibTest {
  static final String ZLIB_SOURCE = "debian/zlib/zlib_1.2.13.dfsg.orig.tar.bz2";
  private static final Pattern LEVEL_6 = Pattern.compile("(/\\* 6 \\*/ \\{8, +16, +128, +)128(, +deflate_slow\\})");
  private static final List<String> SOURCES = List.of("adler32.c", "compress.c", "crc32.c", "deflate.c", "gzclose.c",
      "gzlib.c", "gzread.c", "gzwrite.c", "infback.c", "inffast.c", "inflate.c", "inftrees.c", "trees.c", "uncompr.c",
      "zutil.c");

  @TempDir static Path work;
  static Path libz;

  @BeforeAll
  static void buildAnotherZlib() throws Exception {
    Requirements.requireTools("gcc");
    Path source = Files.createDirectories(work.resolve("zlib"));
    try (InputStream raw = Files.newInputStream(Fixtures.file(ZLIB_SOURCE));
        TarArchiveInputStream tar = new TarArchiveInputStream(new BZip2CompressorInputStream(raw))) {
      for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        String name = e.getName().substring(e.getName().indexOf('/') + 1);
        if (e.isFile() && !name.contains("/") && (name.endsWith(".c") || name.endsWith(".h") || name.equals("zlib.map"))) {
          Files.write(source.resolve(name), tar.readAllBytes());
        }
      }
    }
    String deflate = Files.readString(source.resolve("deflate.c"), StandardCharsets.ISO_8859_1);
    Matcher m = LEVEL_6.matcher(deflate);
    assertTrue(m.find(), "deflate.c has level 6's configuration_table line");
    String changed = m.replaceFirst("$164$2");
    assertTrue(!LEVEL_6.matcher(changed).find(), "exactly one line changed");
    Files.writeString(source.resolve("deflate.c"), changed, StandardCharsets.ISO_8859_1);
    libz = work.resolve("lib/libz.so.1");
    Files.createDirectories(libz.getParent());
    List<String> gcc = new ArrayList<>(List.of("gcc", "-O2", "-fPIC", "-shared", "-DZ_HAVE_UNISTD_H", "-Wl,-soname,libz.so.1",
        "-Wl,--version-script,zlib.map", "-I.", "-o", libz.toString()));
    gcc.addAll(SOURCES);
    Process p = new ProcessBuilder(gcc).directory(source.toFile()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "gcc timed out");
    assertEquals(0, p.exitValue(), "gcc failed: " + output);
  }

  @Test
  void aDifferentHostZlibChangesTheJdksDeflateButNoLayerByte() throws Exception {
    Map<String, String> plain = probe(null);
    Map<String, String> preloaded = probe(libz);
    // the JDK links the host's libz (Debian's, Fedora's OpenJDK): the preload must show, or this test proves nothing
    Requirements.require(!plain.get("jdk-deflater").equals(preloaded.get("jdk-deflater")),
        "this JDK's Deflater does not use the preloaded libz (it bundles its own zlib), so the host-zlib test proves nothing here");
    assertNotEquals(plain.get("jdk-deflater"), preloaded.get("jdk-deflater"));
    assertEquals(plain.get("diff-id"), preloaded.get("diff-id"));
    assertEquals(plain.get("gzip-layer"), preloaded.get("gzip-layer"), "gzip layer under another libz");
    assertEquals(plain.get("zstd-layer"), preloaded.get("zstd-layer"), "zstd layer under another libz");
  }

  /** The probe's digests, run in a fresh JVM, with {@code preload} as LD_PRELOAD when not null. */
  private static Map<String, String> probe(Path preload) throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory(work, "probe");
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), HostZlibProbe.class.getName(), dir.toString())
        .redirectErrorStream(true);
    pb.environment().remove("LD_PRELOAD");
    if (preload != null) {
      pb.environment().put("LD_PRELOAD", preload.toString());
    }
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "probe timed out");
    assertEquals(0, p.exitValue(), "probe failed: " + output);
    Map<String, String> digests = new LinkedHashMap<>();
    for (String line : output.split("\n")) {
      String[] parts = line.trim().split(" ");
      if (parts.length == 2 && parts[1].matches("[0-9a-f]{64}")) {
        digests.put(parts[0], parts[1]);
      }
    }
    assertEquals(List.of("gzip-layer", "zstd-layer", "diff-id", "jdk-deflater"), List.copyOf(digests.keySet()), output);
    return digests;
  }
}

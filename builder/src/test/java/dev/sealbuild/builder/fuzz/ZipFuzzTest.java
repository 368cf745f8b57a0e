package dev.sealbuild.builder.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sealbuild.builder.archive.ContentSpool;
import dev.sealbuild.builder.archive.IngestPolicy;
import dev.sealbuild.builder.archive.ZipIngest;
import dev.sealbuild.builder.fs.EntryPath;
import dev.sealbuild.builder.fs.ImageTree;
import dev.sealbuild.builder.fs.Meta;
import dev.sealbuild.formats.HostileInputException;
import dev.sealbuild.formats.compress.DecompressionLimits;
import dev.sealbuild.testsupport.fuzz.Refusals;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Zip central directories and local headers as {@code files: extract} reads them (ZipIngest, after ZipConsistency
 * found the entries disjoint and described alike), with small decompression bounds so a bomb is refused quickly.
 * Seeds: {@code ZipFuzzTestInputs/centralDirectory}.
 */
class ZipFuzzTest {
  private static final String LABEL = "files[0] fuzz.zip";
  private static final long EPOCH = 1_700_000_000L;
  private static final DecompressionLimits LIMITS = new DecompressionLimits(8L << 20, 250, 1L << 20, 16 * 1024, 20);
  private static final Refusals REFUSALS = Refusals.of(LABEL, HostileInputException.class);
  private static Path work;

  @BeforeAll
  static void scratch() throws Exception {
    work = Files.createTempDirectory("zip-fuzz");
  }

  @AfterAll
  static void clean() throws Exception {
    try (var files = Files.walk(work)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @FuzzTest
  void centralDirectory(byte[] input) throws Exception {
    if (input.length > Refusals.MAX_INPUT) {
      return;
    }
    Path zip = Files.write(work.resolve("fuzz.zip"), input);
    Path spoolDir = Files.createDirectories(work.resolve("spool"));
    try (ContentSpool spool = new ContentSpool(spoolDir)) {
      ImageTree tree = new ImageTree("fuzz", EPOCH, 10_000);
      EntryPath dest = EntryPath.parse("opt/app");
      tree.addDirectory(EntryPath.parse("opt"), new Meta(0755, 0, 0, EPOCH));
      tree.addDirectory(dest, new Meta(0755, 1000, 1000, EPOCH));
      REFUSALS.check(() -> new ZipIngest(spool, LIMITS).ingest(zip, tree, IngestPolicy.extract(dest, 1000, 1000, EPOCH, LABEL)));
    }
  }
}

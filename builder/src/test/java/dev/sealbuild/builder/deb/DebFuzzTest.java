package dev.sealbuild.builder.deb;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sealbuild.builder.archive.ContentSpool;
import dev.sealbuild.formats.HostileInputException;
import dev.sealbuild.formats.compress.DecompressionLimits;
import dev.sealbuild.formats.compress.Decompressors;
import dev.sealbuild.formats.deb822.Deb822Exception;
import dev.sealbuild.testsupport.fuzz.Refusals;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * A {@code .deb} as the installer reads it: the ar container and its members (DebArchive), the control member's
 * stanza (ControlFields), and the whole package walked and decoded as {@code build image} does ahead of an install.
 * Seeds: {@code DebFuzzTestInputs/arMembers}.
 */
class DebFuzzTest {
  private static final String LABEL = "package hello_1.0-1_amd64.deb";
  private static final DecompressionLimits LIMITS = new DecompressionLimits(8L << 20, 250, 1L << 20, 16 * 1024, 20);
  private static final Refusals REFUSALS = Refusals.of(LABEL, HostileInputException.class, Deb822Exception.class);
  private static Path work;

  @BeforeAll
  static void scratch() throws Exception {
    work = Files.createTempDirectory("deb-fuzz");
  }

  @AfterAll
  static void clean() throws Exception {
    try (var files = Files.walk(work)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @FuzzTest
  void arMembers(byte[] input) throws Exception {
    if (input.length > Refusals.MAX_INPUT) {
      return;
    }
    try (ContentSpool spool = new ContentSpool(work)) {
      DebArchive deb = new DebArchive(new Decompressors(LIMITS), spool);
      REFUSALS.check(() -> ControlFields.parse(deb.readControl(new ByteArrayInputStream(input), LABEL).control(), LABEL + " control"));
      REFUSALS.check(() -> {
        try (DebArchive.Decoded decoded = deb.decode(new ByteArrayInputStream(input), work, LABEL)) {
          decoded.control();
        }
      });
    }
  }
}

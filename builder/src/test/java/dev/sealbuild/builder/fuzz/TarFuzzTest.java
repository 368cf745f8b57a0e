package dev.sealbuild.builder.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sealbuild.formats.HostileInputException;
import dev.sealbuild.formats.tar.TarReader;
import dev.sealbuild.testsupport.fuzz.Refusals;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;

/**
 * Tar headers (ustar, PAX and GNU long-name and long-link records) through the guarded reader every archive kind
 * uses (extract:, rootfs, base layers, .deb data, .apk streams). Seeds: {@code TarFuzzTestInputs/tarHeaders}.
 */
class TarFuzzTest {
  private static final String LABEL = "files[0] fuzz.tar";
  private static final Refusals REFUSALS = Refusals.of(LABEL, HostileInputException.class);

  @FuzzTest
  void tarHeaders(byte[] input) throws Exception {
    if (input.length > Refusals.MAX_INPUT) {
      return;
    }
    REFUSALS.check(() -> read(TarReader::new, input));
    REFUSALS.check(() -> read((in, label) -> TarReader.cutAllowed(in, label, 1_000), input));
  }

  private interface Open {
    TarReader open(ByteArrayInputStream in, String label);
  }

  private static void read(Open open, byte[] input) throws Exception {
    TarReader tar = open.open(new ByteArrayInputStream(input), LABEL);
    for (TarReader.Entry e = tar.next(); e != null; e = tar.next()) {
      e.name().length();
      e.linkName();
      e.isRegularFile();
      if (e.header().getSize() % 2 == 0) {
        // Half the entries read to their end, half left for next() to skip.
        tar.data().transferTo(OutputStream.nullOutputStream());
      }
    }
  }
}

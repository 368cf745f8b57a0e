package dev.sealbuild.prep.alpine;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sealbuild.formats.apk.ApkFormatException;
import dev.sealbuild.testsupport.fuzz.Refusals;

/**
 * The text of an {@code APKINDEX} (the same records as {@code lib/apk/db/installed}) as prep reads it once the index's
 * signature has been checked: strict UTF-8, then ApkIndex and ApkRecordParser, then the resolver's look-ups.
 * Seeds: {@code ApkIndexFuzzTestInputs/apkIndex}.
 */
class ApkIndexFuzzTest {
  private static final String SOURCE = "repository main/x86_64/APKINDEX.tar.gz";
  private static final Refusals REFUSALS = Refusals.of(SOURCE, ApkException.class, ApkFormatException.class);

  @FuzzTest
  void apkIndex(byte[] input) throws Exception {
    if (input.length > Refusals.MAX_INPUT) {
      return;
    }
    REFUSALS.check(() -> {
      ApkIndex index = ApkIndex.parse("v3.20.0-fuzz", ApkIndexVerifier.utf8(input, SOURCE, "APKINDEX"), SOURCE);
      for (ApkPackage p : index.packages()) {
        index.find(p.name());
      }
    });
  }
}

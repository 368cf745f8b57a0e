package dev.sealbuild.lockfiles.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sealbuild.lockfiles.spec.SpecException;
import dev.sealbuild.lockfiles.spec.SpecReader;
import dev.sealbuild.testsupport.fuzz.Refusals;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * {@code build.yaml} as {@code build lock} and {@code build image} read it: the anchor and alias refusal, the
 * unknown-key check, the binder and every check of the spec model, with two variables to expand.
 * Seeds: {@code SpecFuzzTestInputs/specYaml}.
 */
class SpecFuzzTest {
  private static final String SPEC = "fuzz/build.yaml";
  private static final Refusals REFUSALS = Refusals.of(SPEC, SpecException.class);
  private static final SpecReader READER = new SpecReader(Map.of("VERSION", "1.0", "HOME", "/home/fuzz"));

  @FuzzTest
  void specYaml(byte[] input) throws Exception {
    if (input.length > Refusals.MAX_INPUT) {
      return;
    }
    REFUSALS.check(() -> READER.parse(SPEC, new String(input, StandardCharsets.UTF_8)));
  }
}

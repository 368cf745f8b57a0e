package dev.sealbuild.prep.debian;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sealbuild.testsupport.fuzz.Refusals;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;

/**
 * An InRelease's clearsigned framing (ClearsignedMessage: armor lines, Hash headers, dash-escaping) and its signature
 * armor and packets as InReleaseVerifier reads them, with a keyring that trusts no key: every input must be refused
 * in words (not signed, malformed, unknown key), never with a crash. Seeds: {@code InReleaseFuzzTestInputs/clearsignedFraming}.
 */
class InReleaseFuzzTest {
  private static final String ORIGIN = "https://deb.example.invalid/debian/dists/stable/InRelease";
  private static final Refusals REFUSALS = Refusals.of(ORIGIN, DebianMetadataException.class);
  private static final InReleaseVerifier VERIFIER = verifier();

  private static InReleaseVerifier verifier() {
    try {
      return new InReleaseVerifier(new PGPPublicKeyRingCollection(List.of()), "fuzz-keyring.gpg",
          Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @FuzzTest
  void clearsignedFraming(byte[] input) throws Exception {
    if (input.length > Refusals.MAX_INPUT) {
      return;
    }
    REFUSALS.check(() -> {
      ClearsignedMessage message = ClearsignedMessage.parse(input, ORIGIN);
      message.canonicalSignedBytes();
      message.signatureArmor();
    });
    REFUSALS.check(() -> VERIFIER.verify(input, ORIGIN));
  }
}

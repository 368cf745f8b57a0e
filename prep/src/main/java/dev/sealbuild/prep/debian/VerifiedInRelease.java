package dev.sealbuild.prep.debian;

import java.util.List;
import java.util.Objects;

/**
 * The result of verifying a clearsigned InRelease.
 *
 * @param signedText exactly the text covered by the signatures: dash-escaping undone, trailing spaces and tabs removed
 *     from every line (they are not signed), lines ending in {@code \n}
 * @param signerFingerprint lowercase hex fingerprint of the (sub)key that made the first good signature, as gpgv
 *     reports it ("using RSA key ...")
 * @param signerPrimaryFingerprint lowercase hex fingerprint of that key's primary key in the keyring
 * @param goodSignerFingerprints all keys with a good signature, in signature order
 */
public record VerifiedInRelease(String signedText, String signerFingerprint, String signerPrimaryFingerprint,
    List<String> goodSignerFingerprints) {

  public VerifiedInRelease {
    Objects.requireNonNull(signedText, "signedText");
    Objects.requireNonNull(signerFingerprint, "signerFingerprint");
    Objects.requireNonNull(signerPrimaryFingerprint, "signerPrimaryFingerprint");
    goodSignerFingerprints = List.copyOf(goodSignerFingerprints);
  }
}

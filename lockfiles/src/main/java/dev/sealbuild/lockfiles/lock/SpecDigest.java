package dev.sealbuild.lockfiles.lock;

import dev.sealbuild.lockfiles.digest.Sha256;
import dev.sealbuild.lockfiles.json.CanonicalJson;
import dev.sealbuild.lockfiles.spec.BuildSpec;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** The digest of a normalized spec: sha256 of its canonical compact JSON, after variables and defaults. */
public final class SpecDigest {
  private SpecDigest() {}

  public static Sha256 of(BuildSpec spec) {
    return sha256(CanonicalJson.compact(spec));
  }

  public static Sha256 sha256(byte[] bytes) {
    try {
      return Sha256.of(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

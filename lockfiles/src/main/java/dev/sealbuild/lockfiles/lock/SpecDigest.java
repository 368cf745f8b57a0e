package dev.sealbuild.lockfiles.lock;

import dev.sealbuild.lockfiles.digest.Sha256;
import dev.sealbuild.lockfiles.json.CanonicalJson;
import dev.sealbuild.lockfiles.spec.BuildSpec;

/** The digest of a normalized spec: sha256 of its canonical compact JSON, after variables and defaults. */
public final class SpecDigest {
  private SpecDigest() {}

  public static Sha256 of(BuildSpec spec) {
    return Sha256.hash(CanonicalJson.compact(spec));
  }
}

package dev.sealbuild.builder.provenance;

import dev.sealbuild.builder.image.BuiltImage;
import dev.sealbuild.lockfiles.lock.Lockfile;
import dev.sealbuild.lockfiles.spec.BuildSpec;
import java.nio.file.Path;
import java.util.Optional;

/** {@code build image --provenance FILE [--sign-key KEY]} in one call. */
public final class Provenance {
  private Provenance() {}

  /**
   * Writes the SLSA provenance of {@code image} to {@code out}, as a DSSE envelope when {@code key} is given.
   * Load the key with {@link SigningKey#load} before building, so a bad key fails before any output is written.
   *
   * @return the statement that was written
   */
  public static ProvenanceStatement write(BuiltImage image, BuildSpec spec, Lockfile lock, BuildRun run,
      Optional<SigningKey> key, Path out) {
    ProvenanceStatement statement = ProvenanceStatement.of(image, spec, lock, run);
    new ProvenanceWriter().write(statement, key, out);
    return statement;
  }
}

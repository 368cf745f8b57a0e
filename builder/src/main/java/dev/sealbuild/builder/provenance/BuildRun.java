package dev.sealbuild.builder.provenance;

import java.util.Objects;

/**
 * What the provenance says about this run of sealbuild: its version, the epoch the image was stamped with
 * ({@code SOURCE_DATE_EPOCH}, else the lock's) and whether {@code build image} ran with the network isolated.
 */
public record BuildRun(String sealbuildVersion, long sourceDateEpoch, boolean networkIsolated) {
  public BuildRun {
    Objects.requireNonNull(sealbuildVersion, "sealbuildVersion");
    if (sourceDateEpoch < 0) {
      throw new IllegalArgumentException("sourceDateEpoch must not be negative");
    }
  }
}

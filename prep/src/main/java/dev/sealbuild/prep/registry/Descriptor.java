package dev.sealbuild.prep.registry;

import dev.sealbuild.formats.digest.Sha256;
import java.util.Objects;

/** An OCI content descriptor: what a blob or manifest is, its digest and its exact size in bytes. */
public record Descriptor(String mediaType, Sha256 digest, long size) {
  public Descriptor {
    Objects.requireNonNull(mediaType, "mediaType");
    Objects.requireNonNull(digest, "digest");
    if (size < 0) {
      throw new IllegalArgumentException("negative size " + size + " for " + digest);
    }
  }
}

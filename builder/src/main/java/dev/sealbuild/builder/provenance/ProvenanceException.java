package dev.sealbuild.builder.provenance;

import dev.sealbuild.formats.UserError;

/** A provenance that cannot be written, signed or verified, or a key that cannot be used. One-line message. */
public class ProvenanceException extends UserError {
  public ProvenanceException(String message) {
    super(message);
  }
}

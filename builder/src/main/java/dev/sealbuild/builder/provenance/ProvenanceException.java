package dev.sealbuild.builder.provenance;

/** A provenance that cannot be written, signed or verified, or a key that cannot be used. One-line message. */
public class ProvenanceException extends RuntimeException {
  public ProvenanceException(String message) {
    super(message);
  }
}

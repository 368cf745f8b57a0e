package dev.sealbuild.builder.provenance;

import dev.sealbuild.formats.digest.Sha256;

/** Key ids: the sha256 (hex) of a public key's DER SubjectPublicKeyInfo. */
final class KeyIds {
  private KeyIds() {}

  static String of(byte[] subjectPublicKeyInfo) {
    return Sha256.hash(subjectPublicKeyInfo).hex();
  }
}

package dev.sealbuild.builder.provenance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sealbuild.formats.digest.Sha256;
import java.util.ArrayList;
import java.util.List;

/** An in-toto statement whose DSSE signature checked out, and the id of the key that signed it. */
public record VerifiedStatement(JsonNode statement, String keyId) {
  public String predicateType() {
    return statement.path("predicateType").asText();
  }

  /** The sha256 digests of the statement's subjects (the image root first, for sealbuild's provenance). */
  public List<Sha256> subjectDigests() {
    List<Sha256> digests = new ArrayList<>();
    for (JsonNode subject : statement.path("subject")) {
      JsonNode hex = subject.path("digest").path("sha256");
      if (hex.isTextual()) {
        digests.add(Sha256.ofHex(hex.asText()));
      }
    }
    return List.copyOf(digests);
  }
}

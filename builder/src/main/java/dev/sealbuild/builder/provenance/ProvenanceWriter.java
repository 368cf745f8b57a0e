package dev.sealbuild.builder.provenance;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * Writes a provenance file: the statement as canonical JSON, or, with a key, the DSSE envelope around its
 * canonical compact form. The file appears whole or not at all (a hidden temporary sibling, then a rename).
 */
public final class ProvenanceWriter {
  /** The bytes of the provenance file: unsigned statement JSON, or a signed DSSE envelope. */
  public byte[] render(ProvenanceStatement statement, Optional<SigningKey> key) {
    return key.map(k -> DsseEnvelope.sign(DsseEnvelope.IN_TOTO_PAYLOAD_TYPE, statement.toPayload(), k).toJson())
        .orElseGet(statement::toJson);
  }

  public void write(ProvenanceStatement statement, Optional<SigningKey> key, Path out) {
    write(render(statement, key), out);
  }

  /** Writes a rendered document to {@code out}, atomically. */
  public void write(byte[] bytes, Path out) {
    Path target = out.toAbsolutePath();
    Path tmp = null;
    try {
      Path dir = Files.createDirectories(target.getParent());
      tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
      Files.write(tmp, bytes);
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new ProvenanceException(out + ": cannot write provenance: " + Messages.oneLine(e.getMessage()));
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // best effort: the temporary file is hidden and named after the target
        }
      }
    }
  }
}

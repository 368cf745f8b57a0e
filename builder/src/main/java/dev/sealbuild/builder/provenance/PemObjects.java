package dev.sealbuild.builder.provenance;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.openssl.PEMParser;

/** Reads the one key object of a PEM text, skipping an {@code EC PARAMETERS} block as OpenSSL may write one. */
final class PemObjects {
  static final long MAX_KEY_BYTES = 64 * 1024;

  private PemObjects() {}

  static String readFile(Path file) {
    try {
      if (Files.size(file) > MAX_KEY_BYTES) {
        throw new ProvenanceException(file + ": larger than 64 KiB; a PEM key file is a few hundred bytes");
      }
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new ProvenanceException(file + ": no such key file");
    } catch (java.nio.charset.MalformedInputException e) {
      throw new ProvenanceException(file + ": not a PEM file (PEM is ASCII text)");
    } catch (IOException e) {
      throw new ProvenanceException(file + ": cannot read key: " + e.getMessage());
    }
  }

  /** The first object that is not curve parameters; a refusal naming {@code keyName} when there is none. */
  static Object firstKeyObject(String pem, String keyName) {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object object;
      while ((object = parser.readObject()) != null) {
        if (!(object instanceof ASN1ObjectIdentifier || object instanceof X9ECParameters)) {
          return object;
        }
      }
      throw new ProvenanceException(keyName + ": no PEM key found (expected -----BEGIN PRIVATE KEY----- or -----BEGIN PUBLIC KEY-----)");
    } catch (IOException | IllegalArgumentException | IllegalStateException e) {
      throw new ProvenanceException(keyName + ": malformed PEM key: " + Messages.oneLine(e.getMessage()));
    }
  }
}

package dev.sealbuild.builder.provenance;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.sealbuild.formats.json.CanonicalJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Checks a DSSE envelope holding an in-toto statement against one public key: the payload type must be
 * in-toto's, at least one signature must verify over the PAE of type and payload, and the payload must be an
 * in-toto Statement v1. Any failure is a {@link ProvenanceException} with a one-line message.
 */
public final class DsseVerifier {
  static final long MAX_ENVELOPE_BYTES = 64L << 20;
  private static final int MAX_SIGNATURES = 64;
  private static final ObjectReader JSON = CanonicalJson.mapper().reader()
      .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private DsseVerifier() {}

  /** Verifies envelope bytes against a PEM public key; messages name "DSSE envelope" and "public key". */
  public static VerifiedStatement verify(byte[] envelopeBytes, String publicKeyPem) {
    return verify(envelopeBytes, "DSSE envelope", VerificationKey.parse(publicKeyPem, "public key"));
  }

  /** Verifies an envelope file against a PEM public key file; messages name the files. */
  public static VerifiedStatement verify(Path envelope, Path publicKey) {
    VerificationKey key = VerificationKey.load(publicKey);
    byte[] bytes;
    try {
      if (Files.size(envelope) > MAX_ENVELOPE_BYTES) {
        throw new ProvenanceException(envelope + ": larger than 64 MiB; not a provenance envelope");
      }
      bytes = Files.readAllBytes(envelope);
    } catch (NoSuchFileException e) {
      throw new ProvenanceException(envelope + ": no such file");
    } catch (IOException e) {
      throw new ProvenanceException(envelope + ": cannot read: " + e.getMessage());
    }
    return verify(bytes, envelope.toString(), key);
  }

  public static VerifiedStatement verify(byte[] envelopeBytes, String envelopeName, VerificationKey key) {
    if (envelopeBytes.length > MAX_ENVELOPE_BYTES) {
      throw new ProvenanceException(envelopeName + ": larger than 64 MiB; not a provenance envelope");
    }
    JsonNode envelope = parse(envelopeBytes, envelopeName, "DSSE envelope");
    String payloadType = text(envelope, "payloadType", envelopeName);
    if (!DsseEnvelope.IN_TOTO_PAYLOAD_TYPE.equals(payloadType)) {
      throw new ProvenanceException(envelopeName + ": payloadType is '" + Messages.oneLine(payloadType) + "', expected "
          + DsseEnvelope.IN_TOTO_PAYLOAD_TYPE);
    }
    byte[] payload = decode(text(envelope, "payload", envelopeName), envelopeName + ": payload");
    JsonNode signatures = envelope.get("signatures");
    if (signatures == null || !signatures.isArray() || signatures.isEmpty()) {
      throw new ProvenanceException(envelopeName + ": no signatures; the provenance is not signed");
    }
    if (signatures.size() > MAX_SIGNATURES) {
      throw new ProvenanceException(envelopeName + ": more than " + MAX_SIGNATURES + " signatures");
    }
    byte[] pae = DsseEnvelope.pae(payloadType, payload);
    Set<String> otherKeyIds = new LinkedHashSet<>();
    boolean verified = false;
    for (int i = 0; i < signatures.size() && !verified; i++) {
      JsonNode signature = signatures.get(i);
      String sig = text(signature, "sig", envelopeName + ": signatures[" + i + "]");
      verified = key.verifies(pae, decode(sig, envelopeName + ": signatures[" + i + "].sig"));
      JsonNode keyid = signature.get("keyid");
      if (keyid != null && keyid.isTextual() && !keyid.asText().isEmpty() && !keyid.asText().equals(key.keyId())) {
        otherKeyIds.add(Messages.oneLine(keyid.asText()));
      }
    }
    if (!verified) {
      throw new ProvenanceException(envelopeName + ": no signature verifies with key " + key.keyId()
          + (otherKeyIds.isEmpty() ? "; the payload or signature was altered" : "; it was signed by key id " + String.join(", ", otherKeyIds)));
    }
    JsonNode statement = parse(payload, envelopeName + ": payload", "in-toto statement");
    String type = statement.path("_type").asText("");
    if (!ProvenanceStatement.STATEMENT_TYPE.equals(type)) {
      throw new ProvenanceException(envelopeName + ": payload _type is '" + Messages.oneLine(type) + "', expected "
          + ProvenanceStatement.STATEMENT_TYPE);
    }
    JsonNode subject = statement.get("subject");
    if (subject == null || !subject.isArray() || subject.isEmpty()) {
      throw new ProvenanceException(envelopeName + ": the statement has no subject");
    }
    return new VerifiedStatement(statement, key.keyId());
  }

  private static JsonNode parse(byte[] bytes, String name, String what) {
    try {
      JsonNode node = JSON.readTree(bytes);
      if (node == null || !node.isObject()) {
        throw new ProvenanceException(name + ": not a " + what + " (expected a JSON object)");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new ProvenanceException(name + ": not a " + what + ": " + Messages.oneLine(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new ProvenanceException(name + ": cannot read: " + Messages.oneLine(e.getMessage()));
    }
  }

  private static String text(JsonNode node, String field, String name) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new ProvenanceException(name + ": '" + field + "' is missing or not a string");
    }
    return value.asText();
  }

  /** DSSE writers may use standard or URL-safe base64, padded or not. */
  private static byte[] decode(String base64, String name) {
    try {
      boolean urlSafe = base64.indexOf('-') >= 0 || base64.indexOf('_') >= 0;
      return (urlSafe ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(base64);
    } catch (IllegalArgumentException e) {
      throw new ProvenanceException(name + " is not valid base64");
    }
  }
}

package dev.sealbuild.builder.provenance;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.sealbuild.formats.json.CanonicalJson;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * A DSSE envelope (https://github.com/secure-systems-lab/dsse, envelope.md and protocol.md): the payload in
 * standard base64, its type, and signatures over the pre-authentication encoding {@link #pae} of both.
 */
public record DsseEnvelope(
    @JsonProperty("payload") String payload,
    @JsonProperty("payloadType") String payloadType,
    @JsonProperty("signatures") List<Signature> signatures) {

  /** The payload type of an in-toto statement. */
  public static final String IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";

  /** One signature: standard base64 {@code sig}, and the signer's key id (an unauthenticated hint). */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record Signature(@JsonProperty("keyid") String keyid, @JsonProperty("sig") String sig) {}

  public DsseEnvelope {
    signatures = List.copyOf(signatures);
  }

  /** Signs {@code payload} of {@code payloadType} with {@code key}. */
  public static DsseEnvelope sign(String payloadType, byte[] payload, SigningKey key) {
    byte[] signature = key.sign(pae(payloadType, payload));
    Base64.Encoder base64 = Base64.getEncoder();
    return new DsseEnvelope(base64.encodeToString(payload), payloadType,
        List.of(new Signature(key.keyId(), base64.encodeToString(signature))));
  }

  /**
   * DSSE v1 pre-authentication encoding: {@code "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body}, lengths as
   * ASCII decimal byte counts, the type as UTF-8.
   */
  public static byte[] pae(String payloadType, byte[] payload) {
    byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(type.length + payload.length + 32);
    out.writeBytes(("DSSEv1 " + type.length + " ").getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(type);
    out.writeBytes((" " + payload.length + " ").getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(payload);
    return out.toByteArray();
  }

  /** Canonical pretty JSON (sorted keys, trailing newline): the signed provenance file. */
  public byte[] toJson() {
    return CanonicalJson.pretty(this);
  }
}

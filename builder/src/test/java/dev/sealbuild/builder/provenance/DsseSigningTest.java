package dev.sealbuild.builder.provenance;

import static dev.sealbuild.builder.provenance.ProvenanceFixtures.AMD64;
import static dev.sealbuild.builder.provenance.ProvenanceFixtures.ARM64;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sealbuild.builder.image.BuiltImage;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.lockfiles.json.CanonicalJson;
import dev.sealbuild.lockfiles.lock.Lockfile;
import dev.sealbuild.lockfiles.spec.BuildSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** DSSE signing and verification with keys made by openssl, checked by openssl too (not only by ourselves). */
class DsseSigningTest {
  @TempDir Path dir;

  private final BuildSpec spec = ProvenanceFixtures.debianSpec();
  private final Lockfile lock = ProvenanceFixtures.debianLock(spec);
  private final BuiltImage image = ProvenanceFixtures.image(List.of(AMD64, ARM64));
  private final BuildRun run = new BuildRun("0.1.0-test", 0, true);

  private OpenSsl openssl() {
    return new OpenSsl(dir);
  }

  /** Signs the provenance with {@code key} through the public entry point and returns the envelope file. */
  private Path signedProvenance(Path key) {
    Path out = dir.resolve("provenance." + key.getFileName() + ".json");
    Provenance.write(image, spec, lock, run, Optional.of(SigningKey.load(key)), out);
    return out;
  }

  private static JsonNode json(Path file) throws Exception {
    return CanonicalJson.mapper().readTree(Files.readAllBytes(file));
  }

  /** Writes the PAE of the envelope and its signature as files, for openssl. */
  private Path[] paeAndSignature(Path envelope) throws Exception {
    JsonNode e = json(envelope);
    byte[] payload = Base64.getDecoder().decode(e.get("payload").asText());
    Path pae = Files.write(dir.resolve("pae.bin"), DsseEnvelope.pae(e.get("payloadType").asText(), payload));
    Path sig = Files.write(dir.resolve("sig.bin"), Base64.getDecoder().decode(e.at("/signatures/0/sig").asText()));
    return new Path[] {pae, sig};
  }

  private static String refused(Executable action, String... mustContain) {
    ProvenanceException e = assertThrows(ProvenanceException.class, action);
    String message = e.getMessage();
    assertTrue(!message.contains("\n") && !message.contains("\r"), "one line: " + message);
    for (String part : mustContain) {
      assertTrue(message.contains(part), "message lacks '" + part + "': " + message);
    }
    return message;
  }

  @Test
  void paeIsExactlyAsTheDsseSpecDefinesIt() {
    // DSSE protocol.md: PAE(type, body) = "DSSEv1" + SP + LEN(type) + SP + type + SP + LEN(body) + SP + body,
    // and its test vector.
    assertEquals("DSSEv1 29 http://example.com/HelloWorld 11 hello world",
        new String(DsseEnvelope.pae("http://example.com/HelloWorld", "hello world".getBytes(StandardCharsets.UTF_8)),
            StandardCharsets.UTF_8));
    assertEquals("DSSEv1 0  0 ", new String(DsseEnvelope.pae("", new byte[0]), StandardCharsets.UTF_8));
    byte[] utf8 = "é".getBytes(StandardCharsets.UTF_8);
    assertEquals("DSSEv1 1 t 2 é", new String(DsseEnvelope.pae("t", utf8), StandardCharsets.UTF_8), "lengths count bytes");
  }

  @Test
  void ed25519RoundTripAndOpensslAgrees() throws Exception {
    Path key = openssl().ed25519("ed.pem");
    Path pub = openssl().publicKey(key, "ed.pub.pem");
    Path envelope = signedProvenance(key);
    JsonNode e = json(envelope);
    assertEquals("application/vnd.in-toto+json", e.get("payloadType").asText());
    assertEquals(64, Base64.getDecoder().decode(e.at("/signatures/0/sig").asText()).length, "Ed25519 signatures are 64 bytes");

    VerifiedStatement verified = DsseVerifier.verify(envelope, pub);
    assertEquals(image.digest(), verified.subjectDigests().get(0));
    assertEquals("https://slsa.dev/provenance/v1", verified.predicateType());

    Path[] files = paeAndSignature(envelope);
    String out = openssl().ok("pkeyutl", "-verify", "-pubin", "-inkey", pub.toString(), "-rawin",
        "-in", files[0].toString(), "-sigfile", files[1].toString());
    assertTrue(out.contains("Signature Verified Successfully"), out);
  }

  @Test
  void ecdsaP256RoundTripAndOpensslAgreesForSec1AndPkcs8Keys() throws Exception {
    for (Path key : List.of(openssl().ecSec1("ec-sec1.pem"), openssl().ecPkcs8("ec-pkcs8.pem"))) {
      String pem = Files.readString(key);
      assertTrue(pem.contains(key.toString().contains("sec1") ? "BEGIN EC PRIVATE KEY" : "BEGIN PRIVATE KEY"), pem);
      Path pub = openssl().publicKey(key, key.getFileName() + ".pub");
      Path envelope = signedProvenance(key);
      assertEquals(image.digest(), DsseVerifier.verify(envelope, pub).subjectDigests().get(0));
      Path[] files = paeAndSignature(envelope);
      String out = openssl().ok("dgst", "-sha256", "-verify", pub.toString(), "-signature", files[1].toString(), files[0].toString());
      assertTrue(out.contains("Verified OK"), key + ": " + out);
    }
  }

  @Test
  void opensslSignaturesVerify() throws Exception {
    byte[] payload = ProvenanceStatement.of(image, spec, lock, run).toPayload();
    Path pae = Files.write(dir.resolve("pae.bin"), DsseEnvelope.pae(DsseEnvelope.IN_TOTO_PAYLOAD_TYPE, payload));
    Path ed = openssl().ed25519("ed.pem");
    Path ec = openssl().ecPkcs8("ec.pem");
    openssl().ok("pkeyutl", "-sign", "-inkey", ed.toString(), "-rawin", "-in", pae.toString(), "-out", "ed.sig");
    openssl().ok("dgst", "-sha256", "-sign", ec.toString(), "-out", "ec.sig", pae.toString());
    for (Path key : List.of(ed, ec)) {
      byte[] sig = Files.readAllBytes(dir.resolve(key.getFileName().toString().replace(".pem", ".sig")));
      String envelope = "{\"payloadType\":\"application/vnd.in-toto+json\",\"payload\":\""
          + Base64.getEncoder().encodeToString(payload) + "\",\"signatures\":[{\"sig\":\"" + Base64.getEncoder().encodeToString(sig) + "\"}]}";
      VerifiedStatement verified = DsseVerifier.verify(envelope.getBytes(StandardCharsets.UTF_8),
          Files.readString(openssl().publicKey(key, key.getFileName() + ".pub")));
      assertEquals(image.digest(), verified.subjectDigests().get(0), key.toString());
    }
  }

  @Test
  void keyIdIsTheSha256OfTheDerPublicKeyAsOpensslWritesIt() throws Exception {
    for (Path key : List.of(openssl().ed25519("ed.pem"), openssl().ecSec1("sec1.pem"), openssl().ecPkcs8("pkcs8.pem"))) {
      String expected = Sha256.hash(openssl().publicKeyDer(key)).hex();
      assertEquals(expected, SigningKey.load(key).keyId(), key.toString());
      assertEquals(expected, VerificationKey.load(openssl().publicKey(key, key.getFileName() + ".pub")).keyId());
      assertEquals(expected, json(signedProvenance(key)).at("/signatures/0/keyid").asText());
    }
  }

  @Test
  void signingIsDeterministicForBothKeyTypes() throws Exception {
    for (Path key : List.of(openssl().ed25519("ed.pem"), openssl().ecPkcs8("ec.pem"))) {
      byte[] first = Files.readAllBytes(signedProvenance(key));
      assertArrayEquals(first, Files.readAllBytes(signedProvenance(key)), key + ": same key, same statement, same envelope");
    }
  }

  @Test
  void tamperedPayloadOrSignatureIsRefused() throws Exception {
    for (Path key : List.of(openssl().ed25519("ed.pem"), openssl().ecSec1("ec.pem"))) {
      Path pub = openssl().publicKey(key, key.getFileName() + ".pub");
      ObjectNode envelope = (ObjectNode) json(signedProvenance(key));
      String payload = new String(Base64.getDecoder().decode(envelope.get("payload").asText()), StandardCharsets.UTF_8);
      String forged = payload.replace(image.digest().hex(), Sha256.hash(new byte[] {1}).hex());
      assertTrue(!forged.equals(payload));
      ObjectNode tampered = envelope.deepCopy();
      tampered.put("payload", Base64.getEncoder().encodeToString(forged.getBytes(StandardCharsets.UTF_8)));
      refused(() -> DsseVerifier.verify(CanonicalJson.compact(tampered), Files.readString(pub)), "no signature verifies");

      byte[] sig = Base64.getDecoder().decode(envelope.at("/signatures/0/sig").asText());
      sig[sig.length / 2] ^= 0x01;
      ObjectNode badSig = envelope.deepCopy();
      ((ObjectNode) badSig.at("/signatures/0")).put("sig", Base64.getEncoder().encodeToString(sig));
      refused(() -> DsseVerifier.verify(CanonicalJson.compact(badSig), Files.readString(pub)), "no signature verifies");

      ObjectNode otherType = envelope.deepCopy();
      otherType.put("payloadType", "text/plain");
      refused(() -> DsseVerifier.verify(CanonicalJson.compact(otherType), Files.readString(pub)), "payloadType", "text/plain");

      ObjectNode unsigned = envelope.deepCopy();
      unsigned.putArray("signatures");
      refused(() -> DsseVerifier.verify(CanonicalJson.compact(unsigned), Files.readString(pub)), "no signatures");
    }
  }

  @Test
  void theWrongKeyIsRefusedNamingTheKeyThatSigned() throws Exception {
    Path signer = openssl().ecPkcs8("signer.pem");
    Path other = openssl().ecPkcs8("other.pem");
    Path envelope = signedProvenance(signer);
    String message = refused(() -> DsseVerifier.verify(envelope, openssl().publicKey(other, "other.pub")),
        envelope.toString(), "no signature verifies", SigningKey.load(signer).keyId());
    assertTrue(message.contains(SigningKey.load(other).keyId()), message);
    Path ed = openssl().ed25519("ed.pem");
    refused(() -> DsseVerifier.verify(envelope, openssl().publicKey(ed, "ed.pub")), "no signature verifies");
  }

  @Test
  void unsupportedKeysAreRefusedNamingTheFile() throws Exception {
    openssl().ok("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "rsa.pem");
    Path rsa = dir.resolve("rsa.pem");
    refused(() -> SigningKey.load(rsa), rsa.toString(), "RSA keys are not supported", "ECDSA P-256 or Ed25519");
    openssl().ok("genrsa", "-traditional", "-out", "rsa1.pem", "2048");
    refused(() -> SigningKey.load(dir.resolve("rsa1.pem")), "rsa1.pem", "RSA");
    refused(() -> VerificationKey.load(openssl().publicKey(rsa, "rsa.pub")), "rsa.pub", "RSA");

    openssl().ok("ecparam", "-name", "secp384r1", "-genkey", "-noout", "-out", "p384.pem");
    refused(() -> SigningKey.load(dir.resolve("p384.pem")), "p384.pem", "secp384r1", "P-256");
    openssl().ok("genpkey", "-algorithm", "ed448", "-out", "ed448.pem");
    refused(() -> SigningKey.load(dir.resolve("ed448.pem")), "ed448.pem", "Ed448");

    openssl().ok("genpkey", "-algorithm", "ed25519", "-aes256", "-pass", "pass:secret", "-out", "encrypted.pem");
    refused(() -> SigningKey.load(dir.resolve("encrypted.pem")), "encrypted.pem", "encrypted");

    Path pub = openssl().publicKey(openssl().ed25519("ed.pem"), "ed.pub");
    refused(() -> SigningKey.load(pub), "ed.pub", "public key");
    refused(() -> VerificationKey.load(dir.resolve("ed.pem")), "ed.pem", "private key");
    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----\n");
    refused(() -> SigningKey.load(garbage), "garbage.pem");
    Path empty = Files.writeString(dir.resolve("empty.pem"), "hello\n");
    refused(() -> SigningKey.load(empty), "empty.pem", "no PEM key");
    refused(() -> SigningKey.load(dir.resolve("missing.pem")), "missing.pem", "no such key file");
  }

  @Test
  void malformedEnvelopesAreRefusedOnOneLine() throws Exception {
    String pub = Files.readString(openssl().publicKey(openssl().ed25519("ed.pem"), "ed.pub"));
    refused(() -> DsseVerifier.verify("not json".getBytes(StandardCharsets.UTF_8), pub), "DSSE envelope", "not a DSSE envelope");
    refused(() -> DsseVerifier.verify("[]".getBytes(StandardCharsets.UTF_8), pub), "expected a JSON object");
    refused(() -> DsseVerifier.verify("{\"payloadType\":\"application/vnd.in-toto+json\",\"payload\":\"%%%\",\"signatures\":[]}"
        .getBytes(StandardCharsets.UTF_8), pub), "payload is not valid base64");
    refused(() -> DsseVerifier.verify(("{\"payloadType\":\"application/vnd.in-toto+json\",\"payloadType\":\"x\",\"payload\":\"\","
        + "\"signatures\":[]}").getBytes(StandardCharsets.UTF_8), pub), "Duplicate field");
  }

  @Test
  void aSignedPayloadThatIsNotAStatementIsRefused() throws Exception {
    Path key = openssl().ed25519("ed.pem");
    DsseEnvelope envelope = DsseEnvelope.sign(DsseEnvelope.IN_TOTO_PAYLOAD_TYPE,
        "{\"_type\":\"https://example.invalid/other\"}".getBytes(StandardCharsets.UTF_8), SigningKey.load(key));
    refused(() -> DsseVerifier.verify(envelope.toJson(), Files.readString(openssl().publicKey(key, "ed.pub"))),
        "_type", "https://in-toto.io/Statement/v1");
  }

  @Test
  void aBadKeyLeavesNoProvenanceFile() throws Exception {
    Path out = dir.resolve("provenance.json");
    openssl().ok("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "rsa.pem");
    refused(() -> Provenance.write(image, spec, lock, run, Optional.of(SigningKey.load(dir.resolve("rsa.pem"))), out), "rsa.pem");
    assertTrue(Files.notExists(out));
  }
}

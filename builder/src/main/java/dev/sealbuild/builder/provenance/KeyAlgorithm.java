package dev.sealbuild.builder.provenance;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.X509ObjectIdentifiers;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X962Parameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.CipherParameters;
import org.bouncycastle.crypto.Signer;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.signers.DSADigestSigner;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;

/**
 * The two key types provenance is signed with. ECDSA P-256 signs SHA-256 of the message and encodes the
 * signature as DER (as cosign and sigstore do), with RFC 6979 nonces so the same key signs the same bytes
 * the same way; Ed25519 signs the message itself (pure EdDSA).
 */
enum KeyAlgorithm {
  ECDSA_P256("ECDSA P-256"),
  ED25519("Ed25519");

  private final String displayName;

  KeyAlgorithm(String displayName) {
    this.displayName = displayName;
  }

  String displayName() {
    return displayName;
  }

  /** The algorithm of a key, or a refusal naming {@code keyName} and what it holds instead. */
  static KeyAlgorithm of(AlgorithmIdentifier algorithm, String keyName) {
    ASN1ObjectIdentifier oid = algorithm.getAlgorithm();
    if (EdECObjectIdentifiers.id_Ed25519.equals(oid)) {
      return ED25519;
    }
    if (X9ObjectIdentifiers.id_ecPublicKey.equals(oid)) {
      X962Parameters parameters = X962Parameters.getInstance(algorithm.getParameters());
      if (!parameters.isNamedCurve()) {
        throw new ProvenanceException(keyName + ": ECDSA key with explicit curve parameters is not supported; use a named P-256 (prime256v1) key or Ed25519");
      }
      ASN1ObjectIdentifier curve = ASN1ObjectIdentifier.getInstance(parameters.getParameters());
      if (SECObjectIdentifiers.secp256r1.equals(curve)) {
        return ECDSA_P256;
      }
      String name = ECNamedCurveTable.getName(curve);
      throw new ProvenanceException(keyName + ": ECDSA key on curve " + (name == null ? curve.getId() : name)
          + " is not supported; use P-256 (prime256v1) or Ed25519");
    }
    throw new ProvenanceException(keyName + ": " + describe(oid) + " keys are not supported; use ECDSA P-256 or Ed25519");
  }

  private static String describe(ASN1ObjectIdentifier oid) {
    if (PKCSObjectIdentifiers.rsaEncryption.equals(oid) || PKCSObjectIdentifiers.id_RSASSA_PSS.equals(oid)
        || X509ObjectIdentifiers.id_ea_rsa.equals(oid)) {
      return "RSA";
    }
    if (EdECObjectIdentifiers.id_Ed448.equals(oid)) {
      return "Ed448";
    }
    if (EdECObjectIdentifiers.id_X25519.equals(oid) || EdECObjectIdentifiers.id_X448.equals(oid)) {
      return "X25519/X448 (key agreement)";
    }
    if (X9ObjectIdentifiers.id_dsa.equals(oid)) {
      return "DSA";
    }
    return "algorithm " + oid.getId();
  }

  /** A signer or verifier ({@code forSigning} false) over whole messages. */
  Signer signer(boolean forSigning, CipherParameters key) {
    Signer signer = switch (this) {
      case ECDSA_P256 -> new DSADigestSigner(new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest())), new SHA256Digest());
      case ED25519 -> new Ed25519Signer();
    };
    signer.init(forSigning, key);
    return signer;
  }
}

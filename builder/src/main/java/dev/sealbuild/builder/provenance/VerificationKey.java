package dev.sealbuild.builder.provenance;

import java.io.IOException;
import java.nio.file.Path;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.crypto.Signer;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.openssl.PEMKeyPair;

/** A public key (PEM {@code PUBLIC KEY}, or the key of a PEM certificate) that checks provenance signatures. */
public final class VerificationKey {
  private final KeyAlgorithm algorithm;
  private final AsymmetricKeyParameter publicKey;
  private final String keyId;

  private VerificationKey(KeyAlgorithm algorithm, AsymmetricKeyParameter publicKey, String keyId) {
    this.algorithm = algorithm;
    this.publicKey = publicKey;
    this.keyId = keyId;
  }

  public static VerificationKey load(Path file) {
    return parse(PemObjects.readFile(file), file.toString());
  }

  public static VerificationKey parse(String pem, String keyName) {
    Object object = PemObjects.firstKeyObject(pem, keyName);
    SubjectPublicKeyInfo info;
    if (object instanceof SubjectPublicKeyInfo spki) {
      info = spki;
    } else if (object instanceof X509CertificateHolder certificate) {
      info = certificate.getSubjectPublicKeyInfo();
    } else if (object instanceof PrivateKeyInfo || object instanceof PEMKeyPair) {
      throw new ProvenanceException(keyName + ": is a private key; verify with the public key (openssl pkey -in KEY -pubout)");
    } else {
      throw new ProvenanceException(keyName + ": not a public key (PEM holds " + object.getClass().getSimpleName() + ")");
    }
    KeyAlgorithm algorithm = KeyAlgorithm.of(info.getAlgorithm(), keyName);
    try {
      return new VerificationKey(algorithm, PublicKeyFactory.createKey(info), KeyIds.of(info.getEncoded(ASN1Encoding.DER)));
    } catch (IOException | IllegalArgumentException e) {
      throw new ProvenanceException(keyName + ": malformed " + algorithm.displayName() + " public key: " + Messages.oneLine(e.getMessage()));
    }
  }

  public String keyId() {
    return keyId;
  }

  /** Whether {@code signature} is this key's signature of {@code message}; malformed signatures are simply false. */
  public boolean verifies(byte[] message, byte[] signature) {
    try {
      Signer verifier = algorithm.signer(false, publicKey);
      verifier.update(message, 0, message.length);
      return verifier.verifySignature(signature);
    } catch (RuntimeException e) {
      return false;
    }
  }
}

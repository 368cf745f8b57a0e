package dev.sealbuild.builder.provenance;

import java.io.IOException;
import java.nio.file.Path;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.crypto.CryptoException;
import org.bouncycastle.crypto.Signer;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * A private key that signs provenance: PEM, either PKCS#8 ({@code PRIVATE KEY}) or SEC1 ({@code EC PRIVATE KEY}),
 * holding an ECDSA P-256 or an Ed25519 key. Anything else is refused with a one-line message naming the file.
 * Its key id is the sha256 (hex) of the DER SubjectPublicKeyInfo of its public key, which
 * {@code openssl pkey -pubout -outform DER | sha256sum} also prints.
 */
public final class SigningKey {
  private final KeyAlgorithm algorithm;
  private final AsymmetricKeyParameter privateKey;
  private final byte[] publicKeyInfo;
  private final String name;

  private SigningKey(KeyAlgorithm algorithm, AsymmetricKeyParameter privateKey, byte[] publicKeyInfo, String name) {
    this.algorithm = algorithm;
    this.privateKey = privateKey;
    this.publicKeyInfo = publicKeyInfo;
    this.name = name;
  }

  /** Loads a PEM private key file; refusals name {@code file}. */
  public static SigningKey load(Path file) {
    return parse(PemObjects.readFile(file), file.toString());
  }

  /** Parses PEM text; refusals name {@code keyName}. */
  public static SigningKey parse(String pem, String keyName) {
    Object object = PemObjects.firstKeyObject(pem, keyName);
    PrivateKeyInfo info;
    if (object instanceof PrivateKeyInfo pkcs8) {
      info = pkcs8;
    } else if (object instanceof PEMKeyPair pair) {
      info = pair.getPrivateKeyInfo();
    } else if (object instanceof PKCS8EncryptedPrivateKeyInfo || object instanceof PEMEncryptedKeyPair) {
      throw new ProvenanceException(keyName + ": the key is encrypted; decrypt it first (openssl pkey -in KEY -out PLAIN.pem)");
    } else if (object instanceof SubjectPublicKeyInfo) {
      throw new ProvenanceException(keyName + ": is a public key; signing needs the private key");
    } else {
      throw new ProvenanceException(keyName + ": not a private key (PEM holds " + object.getClass().getSimpleName() + ")");
    }
    KeyAlgorithm algorithm = KeyAlgorithm.of(info.getPrivateKeyAlgorithm(), keyName);
    try {
      AsymmetricKeyParameter key = PrivateKeyFactory.createKey(info);
      AsymmetricKeyParameter publicKey = switch (algorithm) {
        case ED25519 -> ((Ed25519PrivateKeyParameters) key).generatePublicKey();
        case ECDSA_P256 -> {
          ECPrivateKeyParameters ec = (ECPrivateKeyParameters) key;
          yield new ECPublicKeyParameters(new FixedPointCombMultiplier().multiply(ec.getParameters().getG(), ec.getD()).normalize(),
              ec.getParameters());
        }
      };
      byte[] spki = SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(publicKey).getEncoded(ASN1Encoding.DER);
      return new SigningKey(algorithm, key, spki, keyName);
    } catch (IOException | IllegalArgumentException | ClassCastException e) {
      throw new ProvenanceException(keyName + ": malformed " + algorithm.displayName() + " private key: " + Messages.oneLine(e.getMessage()));
    }
  }

  /** The DSSE key id: sha256 hex of the public key's DER SubjectPublicKeyInfo. */
  public String keyId() {
    return KeyIds.of(publicKeyInfo);
  }

  /** The public key in DER SubjectPublicKeyInfo form. */
  public byte[] publicKeyInfo() {
    return publicKeyInfo.clone();
  }

  public String algorithmName() {
    return algorithm.displayName();
  }

  /** Signs {@code message}: DER ECDSA over its SHA-256, or a 64-byte Ed25519 signature. */
  public byte[] sign(byte[] message) {
    Signer signer = algorithm.signer(true, privateKey);
    signer.update(message, 0, message.length);
    try {
      return signer.generateSignature();
    } catch (CryptoException | RuntimeException e) {
      throw new ProvenanceException(name + ": cannot sign with this " + algorithm.displayName() + " key: " + Messages.oneLine(e.getMessage()));
    }
  }
}

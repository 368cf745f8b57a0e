package dev.sealbuild.testsupport.deb;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyPacket;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.generators.Ed25519KeyPairGenerator;
import org.bouncycastle.crypto.params.Ed25519KeyGenerationParameters;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPKeyRingGenerator;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.bc.BcPGPKeyPair;

/** Throwaway Ed25519 OpenPGP keys and cleartext signatures for tests, made with Bouncy Castle. */
public final class TestPgp {

  /** A signing key: the key pair and its self-certified public key ring. */
  public record Key(PGPKeyPair pair, PGPPublicKeyRing ring) {
    public String fingerprint() {
      return HexFormat.of().formatHex(pair.getPublicKey().getFingerprint());
    }

    /** The public key ring as a binary keyring file would hold it. */
    public byte[] keyringBytes() {
      try {
        return ring.getEncoded();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    public byte[] armoredKeyring() {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (ArmoredOutputStream armored = new ArmoredOutputStream(out)) {
        ring.encode(armored);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return out.toByteArray();
    }
  }

  private TestPgp() {
  }

  public static Key newKey(String userId) {
    return newKey(userId, new Date(), 0);
  }

  /** @param validSeconds key lifetime from {@code created}, 0 for no expiry */
  public static Key newKey(String userId, Date created, long validSeconds) {
    try {
      Ed25519KeyPairGenerator generator = new Ed25519KeyPairGenerator();
      generator.init(new Ed25519KeyGenerationParameters(new SecureRandom()));
      AsymmetricCipherKeyPair raw = generator.generateKeyPair();
      PGPKeyPair pair = new BcPGPKeyPair(PublicKeyPacket.VERSION_4, PublicKeyAlgorithmTags.EDDSA_LEGACY, raw, created);
      PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
      hashed.setKeyFlags(false, KeyFlags.SIGN_DATA | KeyFlags.CERTIFY_OTHER);
      if (validSeconds > 0) {
        hashed.setKeyExpirationTime(false, validSeconds);
      }
      PGPKeyRingGenerator rings = new PGPKeyRingGenerator(PGPSignature.POSITIVE_CERTIFICATION, pair, userId,
          new BcPGPDigestCalculatorProvider().get(HashAlgorithmTags.SHA1), hashed.generate(), null,
          new BcPGPContentSignerBuilder(PublicKeyAlgorithmTags.EDDSA_LEGACY, HashAlgorithmTags.SHA256), null);
      return new Key(pair, rings.generatePublicKeyRing());
    } catch (PGPException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Concatenated binary key rings, like /usr/share/keyrings/*.gpg. */
  public static byte[] keyring(Key... keys) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Key key : keys) {
      out.writeBytes(key.keyringBytes());
    }
    return out.toByteArray();
  }

  /** Clearsigns {@code text} (lines ending in \n) with each key, dash-escaping and canonicalizing like gpg. */
  public static byte[] clearsign(String text, Key... keys) {
    List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
    if (text.endsWith("\n")) {
      lines.remove(lines.size() - 1);
    }
    List<String> canonical = lines.stream().map(l -> l.replaceAll("[ \t]+$", "")).toList();
    byte[] signed = String.join("\r\n", canonical).getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n".getBytes(StandardCharsets.UTF_8));
    for (String line : lines) {
      String escaped = line.startsWith("-") ? "- " + line : line;
      out.writeBytes((escaped + "\n").getBytes(StandardCharsets.UTF_8));
    }
    out.writeBytes(signatureBlock(signed, keys));
    return out.toByteArray();
  }

  /** An armored signature block over {@code signedBytes} (already canonical) by each key. */
  public static byte[] signatureBlock(byte[] signedBytes, Key... keys) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ArmoredOutputStream armored = ArmoredOutputStream.builder().clearHeaders().build(out)) {
      for (Key key : keys) {
        sign(signedBytes, key).encode(armored);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public static PGPSignature sign(byte[] signedBytes, Key key) {
    try {
      PGPSignatureGenerator generator = new PGPSignatureGenerator(
          new BcPGPContentSignerBuilder(PublicKeyAlgorithmTags.EDDSA_LEGACY, HashAlgorithmTags.SHA256),
          key.pair().getPublicKey());
      generator.init(PGPSignature.CANONICAL_TEXT_DOCUMENT, key.pair().getPrivateKey());
      PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
      hashed.setIssuerFingerprint(false, key.pair().getPublicKey());
      hashed.setSignatureCreationTime(false, new Date());
      generator.setHashedSubpackets(hashed.generate());
      generator.update(signedBytes);
      return generator.generate();
    } catch (PGPException e) {
      throw new IllegalStateException(e);
    }
  }
}

package dev.sealbuild.prep.debian;

import dev.sealbuild.prep.debian.DebianMetadataException.Kind;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import dev.sealbuild.formats.text.StrictUtf8;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.bcpg.ArmoredInputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.sig.IssuerFingerprint;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPSignatureSubpacketVector;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;

/**
 * Verifies a clearsigned {@code InRelease} against an OpenPGP keyring (binary, as in
 * {@code /usr/share/keyrings/*.gpg}, or ASCII-armored), with Bouncy Castle's lightweight API.
 *
 * <p>Policy for several signatures (Debian signs with several keys at once), modelled on apt + gpgv:
 * <ul>
 *   <li>a signature by a key in the keyring that does not verify rejects the file, even if another one is good
 *       (apt fails on any BADSIG);</li>
 *   <li>otherwise the file is accepted when at least one signature by a keyring key verifies, was made with a strong
 *       hash (not MD5, SHA-1, RIPEMD-160), and its key is neither revoked nor expired (gpgv's EXPKEYSIG/REVKEYSIG are
 *       not good signatures for apt either);</li>
 *   <li>signatures by keys outside the keyring are ignored when a good one exists, and name the missing key when
 *       none does.</li>
 * </ul>
 * The keyring is trusted as given (like apt's {@code Signed-By}): certifications and key flags inside it are not
 * re-checked. Release + Release.gpg (detached) is not supported; every Debian mirror serves InRelease.
 */
public final class InReleaseVerifier {
  private static final int MAX_KEYRING_BYTES = 16 << 20;
  private static final int MAX_SIGNATURES = 32;
  private static final HexFormat HEX = HexFormat.of();

  private final PGPPublicKeyRingCollection keyring;
  private final String keyringName;
  private final Clock clock;

  /** Parsed keys and a name for messages (a file, or the files of a base they came from). */
  public record Keyring(PGPPublicKeyRingCollection keys, String name) {}

  public InReleaseVerifier(Keyring keyring, Clock clock) {
    this(keyring.keys(), keyring.name(), clock);
  }

  public InReleaseVerifier(PGPPublicKeyRingCollection keyring, String keyringName, Clock clock) {
    this.keyring = Objects.requireNonNull(keyring, "keyring");
    this.keyringName = Objects.requireNonNull(keyringName, "keyringName");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Loads a binary or ASCII-armored keyring file; key expiry is judged by the system clock. */
  public static InReleaseVerifier fromKeyringFile(Path file) throws DebianMetadataException {
    return fromKeyringFile(file, Clock.systemUTC());
  }

  public static InReleaseVerifier fromKeyringFile(Path file, Clock clock) throws DebianMetadataException {
    byte[] bytes;
    try {
      long size = Files.size(file);
      if (size > MAX_KEYRING_BYTES) {
        throw new DebianMetadataException(Kind.BAD_KEYRING,
            "keyring " + file + " is larger than " + MAX_KEYRING_BYTES + " bytes; is it really a keyring?");
      }
      bytes = Files.readAllBytes(file);
    } catch (DebianMetadataException e) {
      throw e;
    } catch (IOException e) {
      throw new DebianMetadataException(Kind.BAD_KEYRING, "cannot read keyring " + file + ": " + e, e);
    }
    return new InReleaseVerifier(parseKeyring(bytes, file.toString()), file.toString(), clock);
  }

  /** Parses keyring bytes: binary transferable public keys, or one or more ASCII-armored public key blocks. */
  public static PGPPublicKeyRingCollection parseKeyring(byte[] bytes, String name) throws DebianMetadataException {
    if (bytes.length >= 12 && bytes[8] == 'K' && bytes[9] == 'B' && bytes[10] == 'X' && bytes[11] == 'f') {
      throw new DebianMetadataException(Kind.BAD_KEYRING, "keyring " + name
          + " is a GnuPG keybox; export it with 'gpg --export KEYID > file.gpg' (binary) or --armor");
    }
    List<PGPPublicKeyRing> rings = new ArrayList<>();
    try {
      String text = new String(bytes, StandardCharsets.ISO_8859_1);
      if (text.stripLeading().startsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----")) {
        int from = 0;
        while ((from = text.indexOf("-----BEGIN PGP PUBLIC KEY BLOCK-----", from)) >= 0) {
          int end = text.indexOf("-----END PGP PUBLIC KEY BLOCK-----", from);
          if (end < 0) {
            throw new IOException("unterminated armored key block");
          }
          end = text.indexOf('\n', end);
          end = end < 0 ? text.length() : end + 1;
          byte[] block = text.substring(from, end).getBytes(StandardCharsets.ISO_8859_1);
          try (InputStream in = new ArmoredInputStream(new ByteArrayInputStream(block))) {
            addRings(in, rings);
          }
          from = end;
        }
      } else {
        addRings(new ByteArrayInputStream(bytes), rings);
      }
    } catch (IOException | PGPException | RuntimeException e) {
      throw new DebianMetadataException(Kind.BAD_KEYRING,
          "cannot parse OpenPGP keyring " + name + ": " + e.getMessage(), e);
    }
    if (rings.isEmpty()) {
      throw new DebianMetadataException(Kind.BAD_KEYRING, "keyring " + name + " contains no public keys");
    }
    return new PGPPublicKeyRingCollection(rings);
  }

  private static void addRings(InputStream in, List<PGPPublicKeyRing> rings) throws IOException, PGPException {
    PGPPublicKeyRingCollection collection = new PGPPublicKeyRingCollection(in, new BcKeyFingerprintCalculator());
    collection.getKeyRings().forEachRemaining(rings::add);
  }

  /**
   * Verifies {@code inRelease} (the raw bytes as downloaded).
   *
   * @param origin names the file in error messages (its URL)
   */
  public VerifiedInRelease verify(byte[] inRelease, String origin) throws DebianMetadataException {
    ClearsignedMessage message = ClearsignedMessage.parse(inRelease, origin);
    List<PGPSignature> signatures = readSignatures(message.signatureArmor(), origin);
    byte[] signed = message.canonicalSignedBytes();
    Instant now = clock.instant();

    List<String> good = new ArrayList<>();
    String firstPrimary = null;
    List<String> unknown = new ArrayList<>();
    List<String> unusable = new ArrayList<>();
    for (PGPSignature signature : signatures) {
      PGPPublicKey key = findKey(signature);
      if (key == null) {
        unknown.add(issuerName(signature));
        continue;
      }
      String fingerprint = HEX.formatHex(key.getFingerprint());
      if (signature.getSignatureType() != PGPSignature.CANONICAL_TEXT_DOCUMENT
          && signature.getSignatureType() != PGPSignature.BINARY_DOCUMENT) {
        throw bad(origin, fingerprint, "signature type 0x" + Integer.toHexString(signature.getSignatureType())
            + " is not a document signature");
      }
      boolean valid;
      try {
        valid = verifyWithTrustedKey(signature, key, signed);
      } catch (PGPException | RuntimeException e) {
        unusable.add(fingerprint + " (" + e.getMessage() + ")");
        continue;
      }
      if (!valid) {
        throw bad(origin, fingerprint, "the signed text was altered or the signature is corrupt");
      }
      String problem = usabilityProblem(signature, key, now);
      if (problem != null) {
        unusable.add(fingerprint + " (" + problem + ")");
        continue;
      }
      if (good.isEmpty()) {
        firstPrimary = HEX.formatHex(keyring.getPublicKeyRing(key.getKeyID()).getPublicKey().getFingerprint());
      }
      good.add(fingerprint);
    }
    if (!good.isEmpty()) {
      return new VerifiedInRelease(decodeText(message, origin), good.get(0), firstPrimary, good);
    }
    if (!unusable.isEmpty()) {
      throw new DebianMetadataException(Kind.UNUSABLE_SIGNATURE, origin + ": no usable signature; keys in "
          + keyringName + " signed but cannot be trusted: " + String.join(", ", unusable));
    }
    if (!unknown.isEmpty()) {
      throw new DebianMetadataException(Kind.UNKNOWN_KEY, origin + ": signed only by key(s) not in keyring "
          + keyringName + ": " + String.join(", ", unknown)
          + "; add the repository's key to the keyring if you trust it");
    }
    throw new DebianMetadataException(Kind.NOT_SIGNED, origin + ": the signature block contains no signatures");
  }

  private List<PGPSignature> readSignatures(String armor, String origin) throws DebianMetadataException {
    List<PGPSignature> signatures = new ArrayList<>();
    try (ArmoredInputStream in = new ArmoredInputStream(
        new ByteArrayInputStream(armor.getBytes(StandardCharsets.ISO_8859_1)))) {
      BcPGPObjectFactory factory = new BcPGPObjectFactory(in);
      Object object;
      while ((object = factory.nextObject()) != null) {
        if (!(object instanceof PGPSignatureList list)) {
          throw new DebianMetadataException(Kind.MALFORMED_SIGNATURE,
              origin + ": signature block contains " + packetKind(object) + ", not only signatures");
        }
        for (PGPSignature signature : list) {
          signatures.add(signature);
        }
        if (signatures.size() > MAX_SIGNATURES) {
          throw new DebianMetadataException(Kind.MALFORMED_SIGNATURE,
              origin + ": more than " + MAX_SIGNATURES + " signatures");
        }
      }
    } catch (DebianMetadataException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new DebianMetadataException(Kind.MALFORMED_SIGNATURE,
          origin + ": unreadable signature block: " + unreadable(e), e);
    }
    return signatures;
  }

  /**
   * Why Bouncy Castle could not read the block, in words: a packet cut short comes as an EOFException without a
   * message, and a RuntimeException from inside the parser says nothing a user can act on.
   */
  private static String unreadable(Exception e) {
    if (e instanceof java.io.EOFException) {
      return "it ends inside a packet";
    }
    if (e instanceof RuntimeException || e.getMessage() == null || e.getMessage().isBlank()) {
      return "damaged packet data";
    }
    if (JAVA_NAME.matcher(e.getMessage()).find() || e.getMessage().startsWith("unexpected packet in stream")) {
      // "unexpected packet in stream: org.bouncycastle.bcpg.UnknownPacket@3f1ddac2", or ": null" for a packet
      // Bouncy Castle could not even build (found by InReleaseFuzzTest)
      return "a packet of an unknown or unexpected kind";
    }
    return dev.sealbuild.formats.io.Printable.of(e.getMessage());
  }

  /** A Java class name in Bouncy Castle's message, as in {@code org.bouncycastle.bcpg.UnknownPacket@3f1ddac2}. */
  private static final java.util.regex.Pattern JAVA_NAME = java.util.regex.Pattern.compile("\\b[a-z]+(\\.[a-z0-9]+)+\\.[A-Z]\\w*");

  /** A packet that is not a signature, named as OpenPGP names it (never by its Java class). */
  private static String packetKind(Object packet) {
    String name = packet.getClass().getSimpleName();
    return switch (name) {
      case "PGPLiteralData" -> "a literal data packet";
      case "PGPCompressedData" -> "a compressed data packet";
      case "PGPEncryptedDataList" -> "encrypted data";
      case "PGPOnePassSignatureList" -> "a one-pass signature packet";
      case "PGPMarker" -> "a marker packet";
      case "PGPPublicKeyRing", "PGPSecretKeyRing" -> "a key";
      default -> "a packet of another kind";
    };
  }

  private PGPPublicKey findKey(PGPSignature signature) {
    byte[] issuerFingerprint = issuerFingerprint(signature);
    if (issuerFingerprint != null) {
      return keyring.getPublicKey(issuerFingerprint);
    }
    return signature.getKeyID() == 0 ? null : keyring.getPublicKey(signature.getKeyID());
  }

  private static byte[] issuerFingerprint(PGPSignature signature) {
    for (PGPSignatureSubpacketVector packets : new PGPSignatureSubpacketVector[] {
        signature.getHashedSubPackets(), signature.getUnhashedSubPackets()}) {
      if (packets != null) {
        IssuerFingerprint fingerprint = packets.getIssuerFingerprint();
        if (fingerprint != null) {
          return fingerprint.getFingerprint();
        }
      }
    }
    return null;
  }

  private static String issuerName(PGPSignature signature) {
    byte[] fingerprint = issuerFingerprint(signature);
    if (fingerprint != null) {
      return "fingerprint " + HEX.formatHex(fingerprint);
    }
    return "key id " + String.format("%016x", signature.getKeyID());
  }

  private String usabilityProblem(PGPSignature signature, PGPPublicKey key, Instant now) {
    int hash = signature.getHashAlgorithm();
    if (hash == HashAlgorithmTags.MD5 || hash == HashAlgorithmTags.SHA1 || hash == HashAlgorithmTags.RIPEMD160) {
      return "weak digest algorithm " + hash;
    }
    PGPPublicKey primary = keyring.getPublicKeyRing(key.getKeyID()).getPublicKey();
    for (PGPPublicKey k : primary == key ? List.of(key) : List.of(key, primary)) {
      if (k.hasRevocation()) {
        return "key " + HEX.formatHex(k.getFingerprint()) + " is revoked";
      }
      long validSeconds = k.getValidSeconds();
      if (validSeconds > 0) {
        Instant expiry = k.getCreationTime().toInstant().plusSeconds(validSeconds);
        if (expiry.isBefore(now)) {
          return "key " + HEX.formatHex(k.getFingerprint()) + " expired on " + expiry;
        }
      }
    }
    Instant created = signature.getCreationTime().toInstant();
    if (created.isBefore(key.getCreationTime().toInstant())) {
      return "signature is older than its key";
    }
    PGPSignatureSubpacketVector hashed = signature.getHashedSubPackets();
    long signatureValidity = hashed == null ? 0 : hashed.getSignatureExpirationTime();
    if (signatureValidity > 0 && created.plusSeconds(signatureValidity).isBefore(now)) {
      return "signature expired on " + created.plusSeconds(signatureValidity);
    }
    return null;
  }

  private static String decodeText(ClearsignedMessage message, String origin) throws DebianMetadataException {
    StringBuilder latin1 = new StringBuilder();
    for (String line : message.trimmedLines()) {
      latin1.append(line).append('\n');
    }
    byte[] bytes = latin1.toString().getBytes(StandardCharsets.ISO_8859_1);
    try {
      return StrictUtf8.decode(bytes);
    } catch (CharacterCodingException e) {
      throw new DebianMetadataException(Kind.BAD_RELEASE, origin + ": signed text is not valid UTF-8");
    }
  }

  private DebianMetadataException bad(String origin, String fingerprint, String why) {
    return new DebianMetadataException(Kind.BAD_SIGNATURE,
        origin + ": BAD signature by key " + fingerprint + " from " + keyringName + ": " + why);
  }

  /** For tests and diagnostics: the primary fingerprints of the keyring, lowercase hex. */
  public List<String> primaryFingerprints() {
    List<String> fingerprints = new ArrayList<>();
    for (Iterator<PGPPublicKeyRing> it = keyring.getKeyRings(); it.hasNext(); ) {
      fingerprints.add(HEX.formatHex(it.next().getPublicKey().getFingerprint()));
    }
    return fingerprints;
  }

  /**
   * Bouncy Castle's RSA key check runs Miller-Rabin rounds on the modulus of every key it converts, which costs more
   * than the verification itself (hundreds of milliseconds per 4096-bit key on a cold JVM). The check protects a party
   * that accepts a public key from a peer; here the key comes from the keyring the user trusts as given, and a bogus
   * modulus could not make a forged signature verify anyway. It is skipped for this thread, for this call only.
   */
  private static boolean verifyWithTrustedKey(PGPSignature signature, PGPPublicKey key, byte[] signed)
      throws PGPException {
    boolean wasSet = org.bouncycastle.util.Properties.isOverrideSet(ALLOW_UNCHECKED_MODULUS);
    org.bouncycastle.util.Properties.setThreadOverride(ALLOW_UNCHECKED_MODULUS, true);
    try {
      signature.init(new BcPGPContentVerifierBuilderProvider(), key);
      signature.update(signed);
      return signature.verify();
    } finally {
      if (!wasSet) {
        org.bouncycastle.util.Properties.removeThreadOverride(ALLOW_UNCHECKED_MODULUS);
      }
    }
  }

  private static final String ALLOW_UNCHECKED_MODULUS = "org.bouncycastle.rsa.allow_unsafe_mod";
}

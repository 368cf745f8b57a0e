package dev.sealbuild.prep.alpine;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.util.ArrayList;
import java.util.List;

/**
 * The signature stream of a signed index or package: {@code .SIGN.RSA.<key>} (PKCS#1 v1.5 with SHA-1),
 * {@code .SIGN.RSA256.<key>} (SHA-256) or {@code .SIGN.RSA512.<key>} (SHA-512) entries whose content
 * signs the raw compressed bytes of the next gzip stream. Like apk, the first entry of a supported type
 * whose key is trusted is the one checked; entries of other types (e.g. DSA) are ignored.
 */
final class ApkSignatures {
  static final String PREFIX = ".SIGN.";

  /** One {@code .SIGN.<type>.<key>} entry. */
  record Entry(String type, String keyName, byte[] signature) {
  }

  /** The signature chosen for checking, ready to receive the signed bytes. */
  static final class Check implements GzipMembers.RawSink {
    private final String keyName;
    private final Signature verifier;
    private final byte[] signature;

    private Check(String keyName, Signature verifier, byte[] signature) {
      this.keyName = keyName;
      this.verifier = verifier;
      this.signature = signature;
    }

    String keyName() {
      return keyName;
    }

    @Override
    public void update(byte[] bytes, int offset, int length) {
      try {
        verifier.update(bytes, offset, length);
      } catch (SignatureException e) {
        throw new IllegalStateException(e);
      }
    }

    /** Throws {@link ApkSignatureException} ({@code BAD}) unless the bytes seen match the signature. */
    void verify(String source, String signedPart) {
      boolean ok;
      try {
        ok = verifier.verify(signature);
      } catch (SignatureException e) {
        ok = false;
      }
      if (!ok) {
        throw new ApkSignatureException(ApkSignatureException.Reason.BAD, source + " has a bad signature by key "
            + keyName + " over its " + signedPart + ": the file was modified or the key is not the signer's");
      }
    }
  }

  private ApkSignatures() {
  }

  /** True if {@code name} is a signature entry name. */
  static boolean isSignatureName(String name) {
    return name.startsWith(PREFIX);
  }

  /** Reads the remaining signature entries of a signature stream whose first entry is {@code first}. */
  static List<Entry> read(TarStream tar, TarStream.Entry first, String source, int maxSignatureBytes)
      throws IOException {
    List<Entry> entries = new ArrayList<>();
    for (TarStream.Entry e = first; e != null; e = tar.next()) {
      if (!isSignatureName(e.name()) || !e.isRegular()) {
        throw new ApkException(source + ": signature stream contains '" + Texts.abbreviate(e.name())
            + "'; only .SIGN.* files belong there");
      }
      if (e.size() > maxSignatureBytes) {
        throw new ApkException(source + ": signature entry " + Texts.abbreviate(e.name()) + " is larger than "
            + maxSignatureBytes + " bytes");
      }
      byte[] signature = tar.content().readAllBytes();
      String rest = e.name().substring(PREFIX.length());
      int dot = rest.indexOf('.');
      if (dot <= 0 || dot == rest.length() - 1) {
        throw new ApkException(source + ": malformed signature entry name '" + Texts.abbreviate(e.name()) + "'");
      }
      entries.add(new Entry(rest.substring(0, dot), rest.substring(dot + 1), signature));
    }
    if (tar.endMarkerSeen()) {
      throw new ApkException(source + ": signature stream ends the archive (it must be a cut tar)");
    }
    return entries;
  }

  /**
   * Picks the signature to check, as apk does: the first supported entry whose key is trusted.
   * Throws {@code MISSING} if there are no signature entries and {@code UNKNOWN_KEY} if no key is trusted.
   */
  static Check choose(List<Entry> entries, ApkKeyring keyring, String source) {
    if (entries.isEmpty()) {
      throw missing(source);
    }
    List<String> unknown = new ArrayList<>();
    for (Entry entry : entries) {
      String algorithm = switch (entry.type()) {
        case "RSA" -> "SHA1withRSA";
        case "RSA256" -> "SHA256withRSA";
        case "RSA512" -> "SHA512withRSA";
        default -> null;
      };
      if (algorithm == null) {
        unknown.add(entry.keyName() + " (unsupported type " + entry.type() + ")");
        continue;
      }
      PublicKey key = keyring.key(entry.keyName()).orElse(null);
      if (key == null) {
        unknown.add(entry.keyName());
        continue;
      }
      try {
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(key);
        return new Check(entry.keyName(), verifier, entry.signature());
      } catch (GeneralSecurityException e) {
        throw new ApkException(source + ": cannot check signature with key " + entry.keyName() + ": " + e.getMessage());
      }
    }
    throw new ApkSignatureException(ApkSignatureException.Reason.UNKNOWN_KEY, source + " is signed by unknown key "
        + String.join(", ", unknown) + "; add the key to the trusted Alpine keys if you trust its owner");
  }

  static ApkSignatureException missing(String source) {
    return new ApkSignatureException(ApkSignatureException.Reason.MISSING, source
        + " is not signed (no .SIGN.RSA.<key> entry in its first gzip stream); refusing unsigned input");
  }
}

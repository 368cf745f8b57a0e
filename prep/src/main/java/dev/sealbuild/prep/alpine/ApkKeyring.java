package dev.sealbuild.prep.alpine;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;

/**
 * Trusted apk signing keys by file name, as in {@code /etc/apk/keys}: a signature entry
 * {@code .SIGN.RSA.<name>} is checked with the key named {@code <name>}
 * (e.g. {@code alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub}). Keys are RSA public keys in PEM,
 * either {@code BEGIN PUBLIC KEY} (what Alpine ships) or {@code BEGIN RSA PUBLIC KEY}.
 */
public final class ApkKeyring {
  private static final int MAX_KEY_FILE = 64 * 1024;

  private final Map<String, PublicKey> keys;

  private ApkKeyring(Map<String, PublicKey> keys) {
    this.keys = Collections.unmodifiableMap(new TreeMap<>(keys));
  }

  /** Trusts the given keys, named as their key files are. */
  public static ApkKeyring of(Map<String, PublicKey> keys) {
    keys.keySet().forEach(ApkKeyring::validateName);
    return new ApkKeyring(keys);
  }

  /** Parses PEM texts, keyed by key file name. */
  public static ApkKeyring fromPem(Map<String, String> pemByName) {
    Map<String, PublicKey> keys = new TreeMap<>();
    pemByName.forEach((name, pem) -> keys.put(validateName(name), parsePem(pem, name)));
    return new ApkKeyring(keys);
  }

  /** Loads every regular file of {@code directory} (like {@code /etc/apk/keys}) as a PEM key. */
  public static ApkKeyring load(Path directory) throws IOException {
    Map<String, PublicKey> keys = new TreeMap<>();
    try (Stream<Path> files = Files.list(directory)) {
      for (Path file : files.sorted().toList()) {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        String name = file.getFileName().toString();
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
          bytes = in.readNBytes(MAX_KEY_FILE + 1);
        }
        if (bytes.length > MAX_KEY_FILE) {
          throw new ApkException("key file " + file + " is larger than " + MAX_KEY_FILE + " bytes; is it a key?");
        }
        keys.put(validateName(name), parsePem(new String(bytes, StandardCharsets.US_ASCII), file.toString()));
      }
    }
    return new ApkKeyring(keys);
  }

  public Optional<PublicKey> key(String name) {
    return Optional.ofNullable(keys.get(name));
  }

  public Set<String> names() {
    return keys.keySet();
  }

  /** Parses one RSA public key in PEM; {@code name} names it in errors. */
  public static PublicKey parsePem(String pem, String name) {
    boolean pkcs1 = pem.contains("-----BEGIN RSA PUBLIC KEY-----");
    String begin = pkcs1 ? "-----BEGIN RSA PUBLIC KEY-----" : "-----BEGIN PUBLIC KEY-----";
    String end = pkcs1 ? "-----END RSA PUBLIC KEY-----" : "-----END PUBLIC KEY-----";
    int start = pem.indexOf(begin);
    int stop = pem.indexOf(end);
    if (start < 0 || stop < start) {
      throw new ApkException("key " + name + " is not a PEM RSA public key (expected " + begin + ")");
    }
    try {
      byte[] der = Base64.getMimeDecoder().decode(pem.substring(start + begin.length(), stop));
      KeyFactory rsa = KeyFactory.getInstance("RSA");
      if (pkcs1) {
        RSAPublicKey key = RSAPublicKey.getInstance(der);
        return rsa.generatePublic(new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent()));
      }
      PublicKey key = rsa.generatePublic(new X509EncodedKeySpec(der));
      if (!(key instanceof java.security.interfaces.RSAPublicKey rsaKey) || rsaKey.getModulus().bitLength() < 1024
          || rsaKey.getPublicExponent().compareTo(BigInteger.ONE) <= 0) {
        throw new ApkException("key " + name + " is not a usable RSA public key");
      }
      return key;
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new ApkException("key " + name + " cannot be parsed as an RSA public key: " + e.getMessage());
    }
  }

  private static String validateName(String name) {
    if (name.isEmpty() || name.contains("/") || name.indexOf('\0') >= 0 || name.equals(".") || name.equals("..")) {
      throw new ApkException("invalid key name '" + Texts.abbreviate(name) + "'");
    }
    return name;
  }
}

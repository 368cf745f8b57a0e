package dev.sealbuild.testsupport.apk;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;

/** An RSA key pair whose public half apk knows by {@code name}, its key file name (e.g. {@code x@example.org-1.rsa.pub}). */
public record SigningKey(String name, KeyPair keyPair) {
  /** A fresh 2048-bit RSA key named like an Alpine key file. */
  public static SigningKey generate(String name) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return new SigningKey(name, generator.generateKeyPair());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The public key as the PEM file apk reads from its keys directory. */
  public String publicPem() {
    String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(keyPair.getPublic().getEncoded());
    return "-----BEGIN PUBLIC KEY-----\n" + base64 + "\n-----END PUBLIC KEY-----\n";
  }
}

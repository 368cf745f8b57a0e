package dev.sealbuild.prep.alpine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.testsupport.apk.SigningKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApkKeyringTest {
  @Test
  void loadsAlpinesKeyFilesByName() throws Exception {
    ApkKeyring keyring = AlpineFixtures.keyring();
    assertEquals(Set.of(
        "alpine-devel@lists.alpinelinux.org-4a6a0840.rsa.pub",
        "alpine-devel@lists.alpinelinux.org-5261cecb.rsa.pub",
        "alpine-devel@lists.alpinelinux.org-58199dcc.rsa.pub",
        "alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub",
        "alpine-devel@lists.alpinelinux.org-616ae350.rsa.pub"), keyring.names());
    RSAPublicKey key = (RSAPublicKey) keyring.key("alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub").orElseThrow();
    assertEquals(4096, key.getModulus().bitLength());
  }

  @Test
  void acceptsPkcs1PemToo() throws Exception {
    SigningKey generated = SigningKey.generate("k.rsa.pub");
    RSAPublicKey rsa = (RSAPublicKey) generated.keyPair().getPublic();
    byte[] pkcs1 = new org.bouncycastle.asn1.pkcs.RSAPublicKey(rsa.getModulus(), rsa.getPublicExponent()).getEncoded();
    String pem = "-----BEGIN RSA PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(pkcs1)
        + "\n-----END RSA PUBLIC KEY-----\n";
    ApkKeyring keyring = ApkKeyring.fromPem(Map.of("k.rsa.pub", pem));
    assertEquals(rsa, keyring.key("k.rsa.pub").orElseThrow());
  }

  @Test
  void rejectsNonKeysAndBadNames() {
    ApkException notPem = assertThrows(ApkException.class,
        () -> ApkKeyring.fromPem(Map.of("x.pub", "hello")));
    assertEquals("key x.pub is not a PEM RSA public key (expected -----BEGIN PUBLIC KEY-----)", notPem.getMessage());
    ApkException badName = assertThrows(ApkException.class,
        () -> ApkKeyring.fromPem(Map.of("../x.pub", SigningKey.generate("x").publicPem())));
    assertEquals("invalid key name '../x.pub'", badName.getMessage());
    assertTrue(ApkKeyring.of(Map.of()).names().isEmpty());
  }
}

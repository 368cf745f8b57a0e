package dev.sealbuild.prep.debian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.prep.debian.DebianMetadataException.Kind;
import dev.sealbuild.testsupport.Requirements;
import dev.sealbuild.testsupport.deb.TestPgp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InReleaseVerifierTest {
  static final String RELEASE = "Origin: Test\nSuite: stable\nCodename: test\nDate: Sat, 11 Jul 2026 10:16:37 UTC\n"
      + "SHA256:\n " + "0".repeat(64) + " 1 main/binary-amd64/Packages\n";
  static final TestPgp.Key TRUSTED = TestPgp.newKey("Trusted Archive Key <archive@example.org>");
  static final TestPgp.Key STRANGER = TestPgp.newKey("Stranger <stranger@example.org>");

  private static InReleaseVerifier verifier(TestPgp.Key... keys) throws DebianMetadataException {
    return new InReleaseVerifier(InReleaseVerifier.parseKeyring(TestPgp.keyring(keys), "test-keyring"),
        "test-keyring", Clock.systemUTC());
  }

  @Test
  void acceptsAGoodSignatureAndReturnsTheSignedTextAndSigner() throws Exception {
    VerifiedInRelease v = verifier(TRUSTED).verify(TestPgp.clearsign(RELEASE, TRUSTED), "url");
    assertEquals(RELEASE, v.signedText());
    assertEquals(TRUSTED.fingerprint(), v.signerFingerprint());
    assertEquals(TRUSTED.fingerprint(), v.signerPrimaryFingerprint());
    assertTrue(v.signerFingerprint().matches("[0-9a-f]{40}"));
  }

  @Test
  void handlesDashEscapingAndUnsignedTrailingWhitespace() throws Exception {
    String text = "Description: lines that need care\n-----BEGIN PGP SIGNATURE-----\n- a dash line\nspaces   \t\nend\n";
    byte[] signed = TestPgp.clearsign(text, TRUSTED);
    String armored = new String(signed, StandardCharsets.UTF_8);
    assertTrue(armored.contains("\n- -----BEGIN PGP SIGNATURE-----\n") && armored.contains("\n- - a dash line\n"));
    VerifiedInRelease v = verifier(TRUSTED).verify(signed, "url");
    assertEquals("Description: lines that need care\n-----BEGIN PGP SIGNATURE-----\n- a dash line\nspaces\nend\n",
        v.signedText(), "dash-escaping undone; trailing whitespace is not signed and not returned");
    // trailing whitespace may change in transit without breaking the signature (RFC 4880 7.1)
    String moreSpaces = armored.replace("\nend\n", "\nend  \t \n").replace("\r", "");
    assertEquals(v.signedText(), verifier(TRUSTED).verify(moreSpaces.getBytes(StandardCharsets.UTF_8), "url")
        .signedText());
    // CRLF line endings in transit verify too
    String crlf = armored.replace("\n", "\r\n");
    assertEquals(v.signedText(), verifier(TRUSTED).verify(crlf.getBytes(StandardCharsets.UTF_8), "url").signedText());
  }

  /** Found by InReleaseFuzzTest: a signature packet whose subpackets run past its end said "unreadable signature block: null". */
  @Test
  void aSignaturePacketCutShortIsRefusedInWords() throws Exception {
    byte[] inRelease;
    try (var in = getClass().getResourceAsStream(
        "InReleaseFuzzTestInputs/clearsignedFraming/crash-e7b780f1d39955c045fb094cce3368ea66157bfc")) {
      inRelease = in.readAllBytes();
    }
    DebianMetadataException e = assertThrows(DebianMetadataException.class,
        () -> verifier(TRUSTED).verify(inRelease, "http://m/dists/x/InRelease"));
    assertEquals(Kind.MALFORMED_SIGNATURE, e.kind());
    assertEquals("http://m/dists/x/InRelease: unreadable signature block: it ends inside a packet", e.getMessage());
  }

  /** Found by InReleaseFuzzTest: Bouncy Castle's "unexpected packet in stream: org.bouncycastle.bcpg.UnknownPacket@3f1ddac2". */
  @Test
  void anUnknownPacketIsRefusedWithoutJava() throws Exception {
    byte[] inRelease;
    try (var in = getClass().getResourceAsStream(
        "InReleaseFuzzTestInputs/clearsignedFraming/crash-31748016edf364a9cd5e96764a15ab96d80b9e42")) {
      inRelease = in.readAllBytes();
    }
    DebianMetadataException e = assertThrows(DebianMetadataException.class,
        () -> verifier(TRUSTED).verify(inRelease, "http://m/dists/x/InRelease"));
    assertEquals("http://m/dists/x/InRelease: unreadable signature block: a packet of an unknown or unexpected kind",
        e.getMessage());
  }

  @Test
  void aChangedByteIsABadSignature() throws Exception {
    String forged = new String(TestPgp.clearsign(RELEASE, TRUSTED), StandardCharsets.UTF_8)
        .replace("Suite: stable", "Suite: stablf");
    DebianMetadataException e = assertThrows(DebianMetadataException.class,
        () -> verifier(TRUSTED).verify(forged.getBytes(StandardCharsets.UTF_8), "http://m/dists/x/InRelease"));
    assertEquals(Kind.BAD_SIGNATURE, e.kind());
    assertTrue(e.getMessage().contains("BAD signature by key " + TRUSTED.fingerprint())
        && e.getMessage().contains("http://m/dists/x/InRelease"), e.getMessage());
  }

  @Test
  void unsignedTextIsRefused() {
    DebianMetadataException e = assertThrows(DebianMetadataException.class,
        () -> verifier(TRUSTED).verify(RELEASE.getBytes(StandardCharsets.UTF_8), "url"));
    assertEquals(Kind.NOT_SIGNED, e.kind());
    assertTrue(e.getMessage().contains("not signed"), e.getMessage());
  }

  @Test
  void aKeyOutsideTheKeyringIsNamed() {
    DebianMetadataException e = assertThrows(DebianMetadataException.class,
        () -> verifier(TRUSTED).verify(TestPgp.clearsign(RELEASE, STRANGER), "url"));
    assertEquals(Kind.UNKNOWN_KEY, e.kind());
    assertTrue(e.getMessage().contains(STRANGER.fingerprint()) && e.getMessage().contains("test-keyring"),
        e.getMessage());
  }

  @Test
  void severalSignaturesOneTrustedIsEnough() throws Exception {
    VerifiedInRelease v = verifier(TRUSTED).verify(TestPgp.clearsign(RELEASE, STRANGER, TRUSTED), "url");
    assertEquals(TRUSTED.fingerprint(), v.signerFingerprint());
    VerifiedInRelease both = verifier(TRUSTED, STRANGER).verify(TestPgp.clearsign(RELEASE, STRANGER, TRUSTED), "url");
    assertEquals(List.of(STRANGER.fingerprint(), TRUSTED.fingerprint()), both.goodSignerFingerprints());
  }

  @Test
  void aBadSignatureByAKnownKeyRejectsEvenNextToAGoodOne() throws Exception {
    String good = new String(TestPgp.clearsign(RELEASE, STRANGER), StandardCharsets.UTF_8);
    String head = good.substring(0, good.indexOf("-----BEGIN PGP SIGNATURE-----"));
    byte[] both = (head + armored(TestPgp.sign(canonical(RELEASE), STRANGER),
        TestPgp.sign(canonical(RELEASE), TRUSTED))).getBytes(StandardCharsets.UTF_8);
    assertEquals(List.of(STRANGER.fingerprint(), TRUSTED.fingerprint()),
        verifier(TRUSTED, STRANGER).verify(both, "url").goodSignerFingerprints());
    // same two signers, but TRUSTED's signature was made over different text
    byte[] oneBad = (head + armored(TestPgp.sign(canonical(RELEASE), STRANGER),
        TestPgp.sign("other text".getBytes(StandardCharsets.UTF_8), TRUSTED))).getBytes(StandardCharsets.UTF_8);
    DebianMetadataException e = assertThrows(DebianMetadataException.class,
        () -> verifier(TRUSTED, STRANGER).verify(oneBad, "url"));
    assertEquals(Kind.BAD_SIGNATURE, e.kind());
    assertTrue(e.getMessage().contains(TRUSTED.fingerprint()), e.getMessage());
  }

  @Test
  void anExpiredKeyIsNotTrusted() {
    Date longAgo = Date.from(Instant.parse("2020-01-01T00:00:00Z"));
    TestPgp.Key expired = TestPgp.newKey("Old <old@example.org>", longAgo, 3600);
    DebianMetadataException e = assertThrows(DebianMetadataException.class,
        () -> verifier(expired).verify(TestPgp.clearsign(RELEASE, expired), "url"));
    assertEquals(Kind.UNUSABLE_SIGNATURE, e.kind());
    assertTrue(e.getMessage().contains("expired"), e.getMessage());
  }

  @Test
  void textOutsideTheSignedMessageIsRefused() {
    byte[] signed = TestPgp.clearsign(RELEASE, TRUSTED);
    String s = new String(signed, StandardCharsets.UTF_8);
    for (String tampered : List.of("Suite: evil\n" + s, s + "Suite: evil\n")) {
      DebianMetadataException e = assertThrows(DebianMetadataException.class,
          () -> verifier(TRUSTED).verify(tampered.getBytes(StandardCharsets.UTF_8), "url"));
      assertEquals(Kind.MALFORMED_SIGNATURE, e.kind(), e.getMessage());
    }
    String unescaped = s.replace("Suite: stable", "-Suite: stable");
    DebianMetadataException e = assertThrows(DebianMetadataException.class,
        () -> verifier(TRUSTED).verify(unescaped.getBytes(StandardCharsets.UTF_8), "url"));
    assertTrue(e.getMessage().contains("not dash-escaped"), e.getMessage());
  }

  @Test
  void readsArmoredAndBinaryKeyringFiles(@TempDir Path dir) throws Exception {
    Path armored = dir.resolve("key.asc");
    Files.write(armored, TRUSTED.armoredKeyring());
    assertEquals(TRUSTED.fingerprint(), InReleaseVerifier.fromKeyringFile(armored)
        .verify(TestPgp.clearsign(RELEASE, TRUSTED), "url").signerFingerprint());
    Path binary = dir.resolve("keys.gpg");
    Files.write(binary, TestPgp.keyring(STRANGER, TRUSTED));
    assertEquals(Set.of(STRANGER.fingerprint(), TRUSTED.fingerprint()),
        Set.copyOf(InReleaseVerifier.fromKeyringFile(binary).primaryFingerprints()));
    Path garbage = dir.resolve("garbage.gpg");
    Files.writeString(garbage, "not a key");
    DebianMetadataException e = assertThrows(DebianMetadataException.class,
        () -> InReleaseVerifier.fromKeyringFile(garbage));
    assertEquals(Kind.BAD_KEYRING, e.kind());
    assertTrue(e.getMessage().contains(garbage.toString()), e.getMessage());
  }

  /** Interoperability: a message clearsigned by the real gpg, with dash-escaping and trailing blanks. */
  @Test
  void verifiesWhatRealGpgClearsigns(@TempDir Path home) throws Exception {
    Requirements.require(Files.isExecutable(Path.of("/usr/bin/gpg")), "gpg is not installed");
    Path gnupg = Files.createDirectory(home.resolve("gnupg"));
    Files.setPosixFilePermissions(gnupg, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    try {
      run(gnupg, "--batch", "--passphrase", "", "--quick-generate-key", "Gpg Test <gpg@example.org>", "ed25519",
          "sign", "never");
      String text = "Origin: gpg\n-----BEGIN PGP SIGNATURE-----\n-dash\ntrailing   \n\n  indented\nlast\n";
      Path input = home.resolve("Release");
      Files.writeString(input, text);
      run(gnupg, "--batch", "--yes", "--digest-algo", "SHA512", "--clearsign", "--output",
          home.resolve("InRelease").toString(), input.toString());
      run(gnupg, "--batch", "--yes", "--export", "--output", home.resolve("key.gpg").toString());
      VerifiedInRelease v = InReleaseVerifier.fromKeyringFile(home.resolve("key.gpg"))
          .verify(Files.readAllBytes(home.resolve("InRelease")), "gpg");
      assertEquals("Origin: gpg\n-----BEGIN PGP SIGNATURE-----\n-dash\ntrailing\n\n  indented\nlast\n", v.signedText());
      String forged = Files.readString(home.resolve("InRelease")).replace("indented", "indentex");
      DebianMetadataException e = assertThrows(DebianMetadataException.class,
          () -> InReleaseVerifier.fromKeyringFile(home.resolve("key.gpg"))
              .verify(forged.getBytes(StandardCharsets.UTF_8), "gpg"));
      assertEquals(Kind.BAD_SIGNATURE, e.kind());
    } finally {
      new ProcessBuilder("gpgconf", "--homedir", gnupg.toString(), "--kill", "all")
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
          .waitFor(30, TimeUnit.SECONDS);
    }
  }

  private static void run(Path gnupg, String... args) throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>(List.of("gpg", "--homedir", gnupg.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "gpg timed out");
    assertEquals(0, p.exitValue(), "gpg " + String.join(" ", args) + ": " + output);
  }

  private static byte[] canonical(String text) {
    String body = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    return body.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
  }

  private static String armored(org.bouncycastle.openpgp.PGPSignature... signatures) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try (org.bouncycastle.bcpg.ArmoredOutputStream armored =
        org.bouncycastle.bcpg.ArmoredOutputStream.builder().clearHeaders().build(out)) {
      for (org.bouncycastle.openpgp.PGPSignature s : signatures) {
        s.encode(armored);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}

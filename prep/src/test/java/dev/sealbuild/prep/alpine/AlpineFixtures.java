package dev.sealbuild.prep.alpine;


import dev.sealbuild.testsupport.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The real Alpine data listed under {@code alpine/} in test-support's fixture manifest (see docs/testing.md). */
final class AlpineFixtures {
  private AlpineFixtures() {
  }

  static Path file(String relative) {
    return Fixtures.file("alpine/" + relative);
  }

  static byte[] bytes(String relative) throws IOException {
    return Files.readAllBytes(file(relative));
  }

  /** A directory of the five real Alpine public keys. */
  static Path keys() {
    return Fixtures.directory("alpine/keys");
  }

  static ApkKeyring keyring() throws IOException {
    return ApkKeyring.load(keys());
  }

  static SignedApkIndex index316() throws IOException {
    return new ApkIndexVerifier(keyring(), ApkLimits.defaults())
        .verify(bytes("v3.16-x86_64/APKINDEX.tar.gz"), "v3.16-x86_64/APKINDEX.tar.gz");
  }
}

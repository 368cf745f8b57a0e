package dev.sealbuild.prep.alpine;

import dev.sealbuild.prep.testing.Requirements;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The real Alpine data under {@code ${sealbuild.shared}/fixtures/alpine} (see its PROVENANCE.md). */
final class AlpineFixtures {
  private AlpineFixtures() {
  }

  static Path dir() {
    String shared = System.getProperty("sealbuild.shared");
    Requirements.require(shared != null, "system property sealbuild.shared is not set");
    Path dir = Path.of(shared, "fixtures", "alpine");
    Requirements.require(Files.isDirectory(dir), "Alpine fixtures missing at " + dir);
    return dir;
  }

  static Path file(String relative) {
    Path file = dir().resolve(relative);
    Requirements.require(Files.isRegularFile(file), "Alpine fixture missing: " + file);
    return file;
  }

  static byte[] bytes(String relative) throws IOException {
    return Files.readAllBytes(file(relative));
  }

  static ApkKeyring keyring() throws IOException {
    return ApkKeyring.load(dir().resolve("keys"));
  }

  static SignedApkIndex index316() throws IOException {
    return new ApkIndexVerifier(keyring(), ApkLimits.defaults())
        .verify(bytes("v3.16-x86_64/APKINDEX.tar.gz"), "v3.16-x86_64/APKINDEX.tar.gz");
  }
}

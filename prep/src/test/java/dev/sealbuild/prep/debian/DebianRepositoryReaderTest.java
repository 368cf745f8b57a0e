package dev.sealbuild.prep.debian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.prep.debian.DebianMetadataException.Kind;
import dev.sealbuild.prep.http.TransportFixtures;
import dev.sealbuild.testsupport.deb.SyntheticRepository;
import dev.sealbuild.testsupport.deb.TestPgp;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The reader against generated, signed repositories served from 127.0.0.1. */
class DebianRepositoryReaderTest {
  static final TestPgp.Key KEY = TestPgp.newKey("Synthetic Archive <archive@example.org>");
  static final List<String> STANZAS = List.of(
      SyntheticRepository.pkg("hello", "2.10-3", "Depends: libc6 (>= 2.34)\n"),
      SyntheticRepository.pkg("libc6", "2.36-9", ""),
      SyntheticRepository.pkg("tzdata", "2024a-1", "all", ""));

  static DebianRepositoryReader reader(SyntheticRepository repo, boolean allowExpired) throws Exception {
    return new DebianRepositoryReader(new TransportMetadataSource(TransportFixtures.transport(2), repo.base(), "repository 'synthetic'"),
        new InReleaseVerifier(InReleaseVerifier.parseKeyring(KEY.keyringBytes(), "synthetic.gpg"), "synthetic.gpg",
            Clock.systemUTC()),
        Clock.systemUTC(), allowExpired);
  }

  @Test
  void readsAVerifiedIndexByHash() throws Exception {
    try (SyntheticRepository repo = new SyntheticRepository(SyntheticRepository.Spec.simple("stable"), KEY, STANZAS)) {
      DebianRepositoryIndex index = reader(repo, false).read("synthetic", "stable", List.of("main"), "amd64");
      assertEquals(List.of("hello", "libc6", "tzdata"), index.packages().stream().map(DebianPackage::name).toList());
      assertEquals(KEY.fingerprint(), index.signerFingerprint());
      assertEquals(SyntheticRepository.sha256(repo.file("dists/stable/InRelease")), index.inReleaseSha256().hex());
      assertEquals("synthetic", index.repositoryName());
      assertEquals(500, index.pinPriority());
      assertTrue(index.date().isBefore(Instant.now()));
    }
  }

  @Test
  void fallsBackToThePlainNameWhenByHashIsMissingAndToXzWhenGzipIsNotListed() throws Exception {
    try (SyntheticRepository repo = new SyntheticRepository(SyntheticRepository.Spec.simple("stable"), KEY, STANZAS)) {
      repo.paths().stream().filter(p -> p.contains("/by-hash/")).forEach(repo::remove);
      assertEquals(3, reader(repo, false).read("s", "stable", List.of("main"), "amd64").packages().size());
    }
    SyntheticRepository.Spec gzOnly = SyntheticRepository.Spec.simple("stable").withCompressions(Set.of("gz"));
    try (SyntheticRepository repo = new SyntheticRepository(gzOnly, KEY, STANZAS)) {
      assertEquals(3, reader(repo, false).read("s", "stable", List.of("main"), "amd64").packages().size());
    }
    SyntheticRepository.Spec xzOnly = SyntheticRepository.Spec.simple("stable").withCompressions(Set.of("xz"));
    try (SyntheticRepository repo = new SyntheticRepository(xzOnly, KEY, STANZAS)) {
      assertEquals(3, reader(repo, false).read("s", "stable", List.of("main"), "amd64").packages().size());
      assertTrue(repo.requests().stream().anyMatch(r -> r.contains("by-hash")), repo.requests().toString());
    }
  }

  @Test
  void refusesAnIndexThatDiffersFromInRelease() throws Exception {
    try (SyntheticRepository repo = new SyntheticRepository(SyntheticRepository.Spec.simple("stable"), KEY, STANZAS)) {
      String other = String.join("\n", List.of(SyntheticRepository.pkg("evil", "1", "")));
      for (String path : repo.paths()) {
        if (path.contains("by-hash") && repo.file(path).length > 0) {
          repo.put(path, SyntheticRepository.xz(other.getBytes(StandardCharsets.UTF_8)), "application/x-xz");
        }
      }
      DebianMetadataException e = assertThrows(DebianMetadataException.class,
          () -> reader(repo, false).read("s", "stable", List.of("main"), "amd64"));
      assertEquals(Kind.HASH_MISMATCH, e.kind(), e.getMessage());
      assertTrue(e.getMessage().contains(repo.base().toString()), e.getMessage());
    }
  }

  @Test
  void boundsTheDecompressedSizeByWhatInReleaseLists() throws Exception {
    String big = SyntheticRepository.pkg("a", "1", "") + "\n"
        + SyntheticRepository.pkg("b", "1", "Description-Extra: " + "x".repeat(200_000) + "\n");
    try (SyntheticRepository repo = new SyntheticRepository(SyntheticRepository.Spec.simple("stable"), KEY, big,
        1_000L)) {
      DebianMetadataException e = assertThrows(DebianMetadataException.class,
          () -> reader(repo, false).read("s", "stable", List.of("main"), "amd64"));
      assertEquals(Kind.BAD_INDEX, e.kind(), e.getMessage());
      assertTrue(e.getMessage().contains("decompresses to more than 1000 bytes"), e.getMessage());
    }
  }

  @Test
  void refusesExpiredMetadataUnlessAllowed() throws Exception {
    SyntheticRepository.Spec stale = SyntheticRepository.Spec.simple("stable")
        .withValidUntil(Instant.now().minusSeconds(60));
    try (SyntheticRepository repo = new SyntheticRepository(stale, KEY, STANZAS)) {
      DebianMetadataException e = assertThrows(DebianMetadataException.class,
          () -> reader(repo, false).read("s", "stable", List.of("main"), "amd64"));
      assertEquals(Kind.EXPIRED, e.kind());
      assertTrue(e.getMessage().contains("--allow-expired-metadata"), e.getMessage());
      assertEquals(3, reader(repo, true).read("s", "stable", List.of("main"), "amd64").packages().size());
    }
  }

  @Test
  void refusesAReleaseForAnotherSuiteOrWithoutTheComponentOrArchitecture() throws Exception {
    SyntheticRepository.Spec other = SyntheticRepository.Spec.simple("stable").withCodename("trixie");
    try (SyntheticRepository repo = new SyntheticRepository(other, KEY, STANZAS)) {
      // served under dists/stable/ but the signed text says Suite stable, Codename trixie: "stable" still matches
      assertEquals(3, reader(repo, false).read("s", "stable", List.of("main"), "amd64").packages().size());
      repo.put("dists/bookworm/InRelease", repo.file("dists/stable/InRelease"), "text/plain");
      DebianMetadataException e = assertThrows(DebianMetadataException.class,
          () -> reader(repo, false).read("s", "bookworm", List.of("main"), "amd64"));
      assertEquals(Kind.BAD_RELEASE, e.kind());
      assertTrue(e.getMessage().contains("not the requested 'bookworm'"), e.getMessage());
      e = assertThrows(DebianMetadataException.class,
          () -> reader(repo, false).read("s", "stable", List.of("contrib"), "amd64"));
      assertTrue(e.getMessage().contains("component contrib is not in this release"), e.getMessage());
      e = assertThrows(DebianMetadataException.class,
          () -> reader(repo, false).read("s", "stable", List.of("main"), "arm64"));
      assertTrue(e.getMessage().contains("architecture arm64 is not in this release"), e.getMessage());
    }
  }

  @Test
  void htmlAndMissingFilesAreReportedWithTheirUrl() throws Exception {
    try (SyntheticRepository repo = new SyntheticRepository(SyntheticRepository.Spec.simple("stable"), KEY, STANZAS)) {
      repo.put("dists/stable/InRelease", "<html><body>portal</body></html>".getBytes(StandardCharsets.UTF_8),
          "application/octet-stream");
      DebianMetadataException e = assertThrows(DebianMetadataException.class,
          () -> reader(repo, false).read("s", "stable", List.of("main"), "amd64"));
      assertEquals(Kind.HTML_INSTEAD_OF_DATA, e.kind(), "sniffed even with a non-HTML content type");
      repo.remove("dists/stable/InRelease");
      e = assertThrows(DebianMetadataException.class,
          () -> reader(repo, false).read("s", "stable", List.of("main"), "amd64"));
      assertEquals(Kind.NOT_FOUND, e.kind());
      assertEquals("no InRelease at " + repo.base() + "dists/stable/InRelease; check the repository URL and suite "
          + "(Release + Release.gpg alone is not supported)", e.getMessage());
    }
  }

  @Test
  void aMissingIndexIsNotFound() throws Exception {
    try (SyntheticRepository repo = new SyntheticRepository(SyntheticRepository.Spec.simple("stable"), KEY, STANZAS)) {
      repo.paths().stream().filter(p -> p.contains("Packages") || p.contains("by-hash")).forEach(repo::remove);
      DebianMetadataException e = assertThrows(DebianMetadataException.class,
          () -> reader(repo, false).read("s", "stable", List.of("main"), "amd64"));
      assertEquals(Kind.NOT_FOUND, e.kind());
      assertTrue(e.getMessage().contains(repo.base() + "dists/stable/main/binary-amd64/Packages"), e.getMessage());
    }
  }
}

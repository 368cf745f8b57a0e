package dev.sealbuild.prep.debian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.lockfiles.cache.VendorCacheLayout;
import dev.sealbuild.prep.cache.CacheWriter;
import dev.sealbuild.prep.http.TransportFixtures;
import dev.sealbuild.testsupport.deb.SyntheticRepository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Verified Packages indexes kept in the vendor cache by the sha256 InRelease lists for them. */
class IndexCacheTest {
  @TempDir
  Path dir;

  private static DebianRepositoryReader reader(SyntheticRepository repo, IndexCache indexes) throws Exception {
    return new DebianRepositoryReader(
        new TransportMetadataSource(TransportFixtures.transport(2), repo.base(), "repository 'synthetic'"),
        new InReleaseVerifier(InReleaseVerifier.parseKeyring(DebianRepositoryReaderTest.KEY.keyringBytes(),
            "synthetic.gpg"), "synthetic.gpg", Clock.systemUTC()),
        Clock.systemUTC(), false, indexes);
  }

  /** Reads suite "stable" through the cache and waits for the parsed form to be written, as the locker does. */
  private static DebianRepositoryIndex read(SyntheticRepository repo, CacheWriter cache) throws Exception {
    VendorIndexCache indexes = new VendorIndexCache(cache);
    DebianRepositoryIndex index = reader(repo, indexes).read("s", "stable", List.of("main"), "amd64");
    indexes.awaitWrites();
    return index;
  }

  private static List<String> names(DebianRepositoryIndex index) {
    return index.packages().stream().map(DebianPackage::name).toList();
  }

  private static long packagesRequests(SyntheticRepository repo) {
    return repo.requests().stream().filter(r -> r.contains("/binary-amd64/")).count();
  }

  @Test
  void anUnchangedSuiteIsReadFromTheCacheAndAChangedOneIsFetched() throws Exception {
    CacheWriter cache = CacheWriter.open(new VendorCacheLayout(dir.resolve("cache")));
    try (SyntheticRepository repo = new SyntheticRepository(SyntheticRepository.Spec.simple("stable"),
        DebianRepositoryReaderTest.KEY, DebianRepositoryReaderTest.STANZAS)) {
      assertEquals(List.of("hello", "libc6", "tzdata"), names(read(repo, cache)));
      assertEquals(1, packagesRequests(repo), repo.requests().toString());
      assertEquals(List.of("hello", "libc6", "tzdata"), names(read(repo, cache)));
      assertEquals(1, packagesRequests(repo), "the second lock fetches only InRelease: " + repo.requests());
      assertEquals(2, repo.requests().stream().filter(r -> r.endsWith("/InRelease")).count());
    }
    List<String> changed = List.of(SyntheticRepository.pkg("hello", "2.10-4", ""));
    try (SyntheticRepository repo = new SyntheticRepository(SyntheticRepository.Spec.simple("stable"),
        DebianRepositoryReaderTest.KEY, changed)) {
      DebianRepositoryIndex index = read(repo, cache);
      assertEquals("2.10-4", index.packages().get(0).version().text());
      assertEquals(1, packagesRequests(repo), "a new InRelease hash means a new index: " + repo.requests());
    }
  }

  @Test
  void anIndexThatDiffersFromInReleaseIsNeitherParsedNorKeptThoughItIsParsedAsItDownloads() throws Exception {
    CacheWriter cache = CacheWriter.open(new VendorCacheLayout(dir.resolve("cache")));
    try (SyntheticRepository repo = new SyntheticRepository(SyntheticRepository.Spec.simple("stable"),
        DebianRepositoryReaderTest.KEY, DebianRepositoryReaderTest.STANZAS)) {
      String other = SyntheticRepository.pkg("evil", "1", "");
      for (String path : repo.paths()) {
        if (path.contains("by-hash") && repo.file(path).length > 0) {
          byte[] plain = other.getBytes(java.nio.charset.StandardCharsets.UTF_8);
          repo.put(path, repo.file(path)[0] == 0x1f ? SyntheticRepository.gz(plain)
              : SyntheticRepository.xz(plain), "application/octet-stream");
        }
      }
      DebianMetadataException e = org.junit.jupiter.api.Assertions.assertThrows(DebianMetadataException.class,
          () -> read(repo, cache));
      assertEquals(DebianMetadataException.Kind.HASH_MISMATCH, e.kind(), e.getMessage());
      try (var blobs = Files.list(cache.layout().blobsDir())) {
        assertEquals(List.of(), blobs.toList(), "nothing kept");
      }
      assertTrue(!Files.exists(cache.layout().indexesDir()) || Files.list(cache.layout().indexesDir()).findAny().isEmpty(),
          "no parsed form kept");
      try (var temp = Files.list(cache.layout().tmpDir())) {
        assertEquals(List.of(), temp.toList(), "no partial file left");
      }
    }
  }

  @Test
  void aCorruptCachedIndexIsDetectedByItsHashWhenParsedAgainAndFetchedAgain() throws Exception {
    CacheWriter cache = CacheWriter.open(new VendorCacheLayout(dir.resolve("cache")));
    try (SyntheticRepository repo = new SyntheticRepository(SyntheticRepository.Spec.simple("stable"),
        DebianRepositoryReaderTest.KEY, DebianRepositoryReaderTest.STANZAS)) {
      read(repo, cache);
      List<Path> blobs;
      try (var list = Files.list(cache.layout().blobsDir())) {
        blobs = list.toList();
      }
      assertEquals(1, blobs.size(), "one index kept");
      Path blob = blobs.get(0);
      byte[] good = Files.readAllBytes(blob);
      byte[] bad = good.clone();
      bad[bad.length / 2] ^= 1;
      Files.write(blob, bad);
      assertEquals(List.of("hello", "libc6", "tzdata"), names(read(repo, cache)));
      assertEquals(1, packagesRequests(repo), "the intact parsed form serves; the index is hashed only to parse it again");

      try (var list = Files.list(cache.layout().indexesDir())) {
        for (Path parsed : list.toList()) {
          Files.delete(parsed);
        }
      }
      assertEquals(List.of("hello", "libc6", "tzdata"), names(read(repo, cache)));
      assertEquals(2, packagesRequests(repo), "fetched again: " + repo.requests());
      assertEquals(Sha256.hash(good), Sha256.hash(Files.readAllBytes(blob)), "the cache holds the verified bytes again");
    }
  }

  @Test
  void theParsedFormIsKeptAndADamagedOneIsParsedAgain() throws Exception {
    CacheWriter cache = CacheWriter.open(new VendorCacheLayout(dir.resolve("cache")));
    try (SyntheticRepository repo = new SyntheticRepository(SyntheticRepository.Spec.simple("stable"),
        DebianRepositoryReaderTest.KEY, DebianRepositoryReaderTest.STANZAS)) {
      List<DebianPackage> first = read(repo, cache).packages();
      Path parsed;
      try (var list = Files.list(cache.layout().indexesDir())) {
        parsed = list.filter(p -> p.getFileName().toString().endsWith(".amd64")).findFirst().orElseThrow();
      }
      assertEquals(first, read(repo, cache).packages(),
          "the same packages from the parsed form");

      byte[] good = Files.readAllBytes(parsed);
      byte[] bad = good.clone();
      bad[bad.length / 2] ^= 1;
      Files.write(parsed, bad);
      assertEquals(first, read(repo, cache).packages(),
          "a damaged parsed form is not used");
      assertEquals(Sha256.hash(good), Sha256.hash(Files.readAllBytes(parsed)), "and is written again");
      assertEquals(1, packagesRequests(repo), "all from the cache: " + repo.requests());
    }
  }

  @Test
  void theParsedFormDecodesToTheSamePackagesOnlyForItsArchitecture() throws Exception {
    try (SyntheticRepository repo = new SyntheticRepository(SyntheticRepository.Spec.simple("stable"),
        DebianRepositoryReaderTest.KEY, DebianRepositoryReaderTest.STANZAS)) {
      List<DebianPackage> packages = DebianRepositoryReaderTest.reader(repo, false)
          .read("s", "stable", List.of("main"), "amd64").packages();
      byte[] encoded = ParsedIndexCodec.encode("amd64", ParsedPackages.of(packages));
      assertEquals(packages, ParsedIndexCodec.decode(encoded, "amd64").orElseThrow().packages());
      assertTrue(ParsedIndexCodec.decode(encoded, "arm64").isEmpty());
      assertTrue(ParsedIndexCodec.decode(java.util.Arrays.copyOf(encoded, encoded.length - 1), "amd64").isEmpty());
    }
  }

  @Test
  void aParsedFormThatCannotBeWrittenFailsWhenAwaitedAndLeavesNoTemporaryFile() throws Exception {
    CacheWriter cache = CacheWriter.open(new VendorCacheLayout(dir.resolve("cache")));
    Files.createDirectories(cache.layout().indexesDir().getParent());
    Files.writeString(cache.layout().indexesDir(), "a file where the directory belongs");
    try (SyntheticRepository repo = new SyntheticRepository(SyntheticRepository.Spec.simple("stable"),
        DebianRepositoryReaderTest.KEY, DebianRepositoryReaderTest.STANZAS)) {
      VendorIndexCache indexes = new VendorIndexCache(cache);
      assertEquals(List.of("hello", "libc6", "tzdata"),
          names(reader(repo, indexes).read("s", "stable", List.of("main"), "amd64")), "the index itself is read");
      java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
          indexes::awaitWrites);
      assertTrue(e.getMessage().contains(cache.layout().indexesDir().toString()), e.getMessage());
      indexes.awaitWrites(); // reported once
      try (var temp = Files.list(cache.layout().tmpDir())) {
        assertEquals(List.of(), temp.toList(), "no partial file left");
      }
    }
  }

  @Test
  void anIndexCutShortIsAMismatchNotAShorterIndexAndLeavesNothingBehind() throws Exception {
    CacheWriter cache = CacheWriter.open(new VendorCacheLayout(dir.resolve("cache")));
    List<String> many = new java.util.ArrayList<>();
    for (int k = 0; k < 3000; k++) {
      many.add(SyntheticRepository.pkg("pkg" + k, "1." + k, "Depends: libc6\nDescription: package " + k + "\n"));
    }
    try (SyntheticRepository repo = new SyntheticRepository(SyntheticRepository.Spec.simple("stable"),
        DebianRepositoryReaderTest.KEY, many)) {
      for (String path : repo.paths()) {
        if (path.contains("by-hash") && repo.file(path).length > 0) {
          byte[] whole = repo.file(path);
          repo.put(path, java.util.Arrays.copyOf(whole, whole.length / 2), "application/octet-stream");
        }
      }
      DebianMetadataException e = org.junit.jupiter.api.Assertions.assertThrows(DebianMetadataException.class,
          () -> read(repo, cache));
      assertEquals(DebianMetadataException.Kind.HASH_MISMATCH, e.kind(), e.getMessage());
      assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
      try (var blobs = Files.list(cache.layout().blobsDir())) {
        assertEquals(List.of(), blobs.toList(), "nothing kept");
      }
      try (var temp = Files.list(cache.layout().tmpDir())) {
        assertEquals(List.of(), temp.toList(), "no partial file left");
      }
      assertTrue(Thread.getAllStackTraces().keySet().stream()
          .noneMatch(t -> t.getName().equals("sealbuild-index-reader") && t.isAlive()), "the reading thread ended");
    }
  }
}

package dev.sealbuild.builder.provenance;

import static dev.sealbuild.builder.provenance.ProvenanceFixtures.AMD64;
import static dev.sealbuild.builder.provenance.ProvenanceFixtures.ARM64;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sealbuild.builder.image.BuiltImage;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.json.CanonicalJson;
import dev.sealbuild.lockfiles.lock.LockedFile;
import dev.sealbuild.lockfiles.lock.LockedPackage;
import dev.sealbuild.lockfiles.lock.LockedPlatformImage;
import dev.sealbuild.lockfiles.lock.Lockfile;
import dev.sealbuild.lockfiles.lock.LockfileIO;
import dev.sealbuild.lockfiles.spec.BuildSpec;
import dev.sealbuild.formats.oci.Platform;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProvenanceStatementTest {
  private static final BuildRun RUN = new BuildRun("0.1.0-test", 1_700_000_000L, true);
  private final BuildSpec spec = ProvenanceFixtures.debianSpec();
  private final Lockfile lock = ProvenanceFixtures.debianLock(spec);
  private final BuiltImage image = ProvenanceFixtures.image(List.of(AMD64, ARM64));

  private static JsonNode json(byte[] bytes) throws Exception {
    return CanonicalJson.mapper().readTree(bytes);
  }

  private JsonNode statement() throws Exception {
    return json(ProvenanceStatement.of(image, spec, lock, RUN).toJson());
  }

  private static List<JsonNode> dependencies(JsonNode statement, String kind) {
    List<JsonNode> out = new ArrayList<>();
    statement.at("/predicate/buildDefinition/resolvedDependencies")
        .forEach(d -> {
          if (kind.equals(d.path("annotations").path("kind").asText())) {
            out.add(d);
          }
        });
    return out;
  }

  @Test
  void subjectIsTheImageDigestThenEachPlatformManifest() throws Exception {
    JsonNode subject = statement().get("subject");
    assertEquals(3, subject.size(), subject.toString());
    assertEquals(image.digest().hex(), subject.get(0).at("/digest/sha256").asText());
    assertEquals(spec.name(), subject.get(0).get("name").asText());
    assertEquals(image.root().mediaType(), subject.get(0).get("mediaType").asText());
    for (Platform platform : List.of(AMD64, ARM64)) {
      String manifest = image.platforms().get(platform).image().digest().hex();
      List<JsonNode> matching = new ArrayList<>();
      subject.forEach(s -> {
        if (s.at("/digest/sha256").asText().equals(manifest)) {
          matching.add(s);
        }
      });
      assertEquals(1, matching.size(), platform + " manifest listed once");
      assertEquals(platform.toString(), matching.get(0).at("/annotations/platform").asText());
    }
  }

  @Test
  void singlePlatformImageHasOneSubjectTaggedWithItsPlatform() throws Exception {
    BuiltImage single = ProvenanceFixtures.image(List.of(AMD64));
    JsonNode subject = json(ProvenanceStatement.of(single, spec, lock, RUN).toJson()).get("subject");
    assertEquals(1, subject.size());
    assertEquals(single.digest().hex(), subject.get(0).at("/digest/sha256").asText());
    assertEquals("linux/amd64", subject.get(0).at("/annotations/platform").asText());
  }

  @Test
  void everyLockedPackageFileAndRootfsIsADependencyWithItsDigest() throws Exception {
    JsonNode statement = statement();
    List<JsonNode> packages = dependencies(statement, "package");
    assertEquals(lock.packageList().size(), packages.size());
    for (LockedPackage p : lock.packageList()) {
      JsonNode d = packages.stream().filter(n -> n.get("name").asText().equals(p.path())).findFirst()
          .orElseThrow(() -> new AssertionError(p.label() + " missing"));
      assertEquals(p.sha256().hex(), d.at("/digest/sha256").asText(), p.label());
      assertEquals(p.repository(), d.at("/annotations/repository").asText());
      assertTrue(d.get("uri").asText().startsWith("pkg:deb/debian/" + p.name() + "@"), d.toString());
      assertTrue(d.get("uri").asText().contains("arch=" + p.architecture()), d.toString());
      assertEquals(String.join(",", p.platforms().stream().map(Platform::toString).toList()), d.at("/annotations/platforms").asText());
    }
    List<JsonNode> files = dependencies(statement, "file");
    assertEquals(lock.files().size(), files.size());
    for (LockedFile f : lock.files()) {
      assertTrue(files.stream().anyMatch(d -> d.get("uri").asText().equals(f.url())
          && d.at("/digest/sha256").asText().equals(f.sha256().hex())), f.url());
    }
    List<JsonNode> rootfs = dependencies(statement, "rootfs");
    assertEquals(1, rootfs.size());
    assertEquals(lock.rootfs().source(), rootfs.get(0).get("uri").asText());
    assertEquals(lock.rootfs().sha256().hex(), rootfs.get(0).at("/digest/sha256").asText());
    List<JsonNode> indexes = dependencies(statement, "repository-index");
    assertEquals(1, indexes.size());
    assertEquals("debian/dists/bookworm/InRelease", indexes.get(0).get("name").asText());
  }

  @Test
  void packageUrlsEncodeDebianEpochsAndPlusSigns() throws Exception {
    JsonNode libfoo = dependencies(statement(), "package").stream()
        .filter(d -> d.get("uri").asText().contains("/libfoo@")).findFirst().orElseThrow();
    // purl-spec: '+' in a version is percent-encoded, ':' never is; qualifiers sorted by key.
    assertEquals("pkg:deb/debian/libfoo@1:2.0%2Bdfsg-1?arch=amd64&distro=bookworm", libfoo.get("uri").asText());
  }

  @Test
  void baseImageIsADependencyByRootAndPerPlatformManifest() throws Exception {
    BuildSpec alpine = ProvenanceFixtures.alpineImageSpec();
    Lockfile alpineLock = ProvenanceFixtures.alpineImageLock(alpine);
    JsonNode statement = json(ProvenanceStatement.of(image, alpine, alpineLock, RUN).toJson());
    List<JsonNode> base = dependencies(statement, "base-image");
    assertEquals(1 + alpineLock.baseImage().platforms().size(), base.size(), base.toString());
    assertEquals(alpineLock.baseImage().root().digest().hex(), base.get(0).at("/digest/sha256").asText());
    assertEquals("registry.example.invalid/library/alpine:3.20", base.get(0).get("name").asText());
    assertTrue(base.get(0).get("uri").asText().startsWith("pkg:oci/alpine@sha256:" + alpineLock.baseImage().root().digest().hex()),
        base.get(0).toString());
    assertTrue(base.get(0).get("uri").asText().contains("repository_url=registry.example.invalid%2Flibrary%2Falpine"));
    for (LockedPlatformImage p : alpineLock.baseImage().platforms()) {
      assertTrue(base.stream().anyMatch(d -> d.at("/digest/sha256").asText().equals(p.manifest().digest().hex())
          && d.at("/annotations/platform").asText().equals(p.platform().toString())), p.platform().toString());
    }
    JsonNode apk = dependencies(statement, "package").get(0);
    assertEquals("pkg:apk/alpine/curl@8.9.1-r0?arch=x86_64", apk.get("uri").asText());
    assertTrue(dependencies(statement, "rootfs").isEmpty());
  }

  @Test
  void externalParametersPinTheSpecAndTheLockFileAsWritten(@TempDir Path dir) throws Exception {
    Path lockFile = dir.resolve(Lockfile.FILE_NAME);
    new LockfileIO().write(lock, lockFile);
    JsonNode parameters = statement().at("/predicate/buildDefinition/externalParameters");
    assertEquals(Sha256.hash(Files.readAllBytes(lockFile)).hex(), parameters.at("/lockfile/digest/sha256").asText(),
        "sha256sum build.lock.json matches");
    assertEquals(lock.specDigest().hex(), parameters.at("/spec/digest/sha256").asText(), "the lock's specDigest");
    assertEquals(spec.name(), parameters.get("image").asText());
    assertEquals("[\"linux/amd64\",\"linux/arm64\"]", parameters.get("platforms").toString());
    assertEquals(RUN.sourceDateEpoch(), parameters.get("sourceDateEpoch").asLong());
  }

  @Test
  void runDetailsNameSealbuildItsVersionAndTheNetworkIsolation() throws Exception {
    JsonNode run = statement().at("/predicate/runDetails");
    assertEquals("0.1.0-test", run.at("/builder/version/sealbuild").asText());
    assertTrue(run.at("/metadata/sealbuild_networkIsolated").asBoolean());
    JsonNode notIsolated = json(ProvenanceStatement.of(image, spec, lock, new BuildRun("0.1.0-test", 0, false)).toJson());
    assertTrue(notIsolated.at("/predicate/runDetails/metadata/sealbuild_networkIsolated").isBoolean());
    assertFalse(notIsolated.at("/predicate/runDetails/metadata/sealbuild_networkIsolated").asBoolean());
  }

  @Test
  void hasTheShapeOfAnInTotoStatementWithSlsaProvenanceV1() throws Exception {
    assertEquals(List.of(), SlsaShape.violations(statement()));
    BuildSpec alpine = ProvenanceFixtures.alpineImageSpec();
    assertEquals(List.of(), SlsaShape.violations(json(ProvenanceStatement.of(image, alpine,
        ProvenanceFixtures.alpineImageLock(alpine), RUN).toJson())));
  }

  @Test
  void theShapeCheckCatchesBrokenStatements() throws Exception {
    ObjectNode noBuildType = (ObjectNode) statement();
    ((ObjectNode) noBuildType.at("/predicate/buildDefinition")).remove("buildType");
    assertTrue(SlsaShape.violations(noBuildType).contains("buildDefinition.buildType is required"));
    ObjectNode unknownField = (ObjectNode) statement();
    ((ObjectNode) unknownField.at("/predicate/runDetails/metadata")).put("networkIsolated", true);
    assertFalse(SlsaShape.violations(unknownField).isEmpty(), "a non-extension field is not SLSA");
    ObjectNode badDigest = (ObjectNode) statement();
    ((ObjectNode) badDigest.at("/subject/0/digest")).put("sha256", "ABC");
    assertFalse(SlsaShape.violations(badDigest).isEmpty());
  }

  @Test
  void sameInputsGiveTheSameBytesWhateverTheirOrder() {
    byte[] first = ProvenanceStatement.of(image, spec, lock, RUN).toJson();
    Map<Platform, BuiltImage.BuiltPlatform> reversed = new LinkedHashMap<>();
    reversed.put(ARM64, image.platforms().get(ARM64));
    reversed.put(AMD64, image.platforms().get(AMD64));
    BuiltImage reordered = new BuiltImage(Path.of("/elsewhere"), image.root(), reversed, image.blobs());
    List<LockedPackage> packages = new ArrayList<>(lock.packageList());
    Collections.reverse(packages);
    Lockfile relocked = new Lockfile(lock.lockfileVersion(), lock.specDigest(), lock.sourceDateEpoch(), lock.rootfs(), null,
        lock.files(), lock.repositories(), packages);
    assertArrayEquals(first, ProvenanceStatement.of(reordered, spec, relocked, RUN).toJson());
    assertArrayEquals(first, ProvenanceStatement.of(image, spec, lock, RUN).toJson(), "no clock or random input");
    String text = new String(first, StandardCharsets.UTF_8);
    assertFalse(text.contains("startedOn") || text.contains("finishedOn") || text.contains("invocationId"), text);
    assertTrue(text.endsWith("}\n") && !text.contains("\r"));
  }

  @Test
  void writesAtomicallyAndLeavesNothingBehindOnFailure(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("provenance.json");
    ProvenanceStatement written = Provenance.write(image, spec, lock, RUN, Optional.empty(), out);
    assertArrayEquals(written.toJson(), Files.readAllBytes(out));
    try (var listing = Files.list(dir)) {
      assertEquals(List.of(out), listing.toList(), "no temporary file left");
    }
    Path blocked = Files.createDirectories(dir.resolve("taken"));
    Files.writeString(blocked.resolve("keep"), "x");
    ProvenanceException e = assertThrows(ProvenanceException.class,
        () -> Provenance.write(image, spec, lock, RUN, Optional.empty(), blocked));
    assertTrue(e.getMessage().startsWith(blocked.toString()) && !e.getMessage().contains("\n"), e.getMessage());
    try (var listing = Files.list(dir)) {
      assertEquals(List.of(out, blocked), listing.sorted().toList(), "no temporary file left after a failure");
    }
    assertEquals("x", Files.readString(blocked.resolve("keep")));
  }
}

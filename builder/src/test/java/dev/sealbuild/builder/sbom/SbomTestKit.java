package dev.sealbuild.builder.sbom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealbuild.formats.compress.DecompressionLimits;
import dev.sealbuild.builder.cache.CacheReader;
import dev.sealbuild.lockfiles.cache.VendorCacheLayout;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.lockfiles.lock.Lockfile;
import dev.sealbuild.lockfiles.spec.BuildSpec;
import dev.sealbuild.lockfiles.spec.SpecReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.cyclonedx.Version;
import org.cyclonedx.exception.ParseException;
import org.cyclonedx.parsers.JsonParser;
import org.spdx.tools.SpdxToolsHelper;
import org.spdx.tools.Verify;

/**
 * A scratch project for SBOM tests: a spec directory, a vendor cache, the generator, and the formats' own
 * validators (SPDX tools-java's Verify, CycloneDX core's JSON schema validation) every document must pass.
 */
final class SbomTestKit {
  static final String TOOL_VERSION = "9.8.7-test";
  static final ObjectMapper JSON = new ObjectMapper();
  final Path work;
  final Path specDir;
  final VendorCacheLayout cache;

  static {
    new Init();
  }

  /** Sets up the SPDX library once: the license list inside its jar, never one fetched from the network. */
  static final class Init {
    private static boolean done;

    Init() {
      synchronized (Init.class) {
        if (!done) {
          System.setProperty("org.spdx.useJARLicenseInfoOnly", "true");
          SpdxToolsHelper.initialize();
          done = true;
        }
      }
    }
  }

  SbomTestKit(Path work) throws IOException {
    this.work = work;
    this.specDir = Files.createDirectories(work.resolve("project"));
    this.cache = new VendorCacheLayout(work.resolve("cache"));
    Files.createDirectories(cache.blobsDir());
  }

  BuildSpec spec(String yaml) throws IOException {
    Path file = specDir.resolve("build.yaml");
    Files.writeString(file, yaml);
    return new SpecReader(Map.of()).read(file);
  }

  /** Puts bytes into the vendor cache, as build prep would, and returns their digest. */
  Sha256 cache(byte[] bytes) throws IOException {
    Sha256 digest = Sha256.hash(bytes);
    Files.write(cache.blob(digest), bytes);
    return digest;
  }

  SbomGenerator generator() {
    return new SbomGenerator(new CacheReader(cache), DecompressionLimits.DEFAULT, TOOL_VERSION);
  }

  byte[] generate(BuildSpec spec, Lockfile lock, SbomFormat format) throws IOException {
    return generator().generate(spec, lock, specDir, format);
  }

  /** The SPDX document, after tools-java's Verify (schema and model checks) found nothing wrong with it. */
  JsonNode validSpdx(byte[] document) throws Exception {
    Path file = Files.createTempFile(work, "sbom", ".spdx.json");
    Files.write(file, document);
    List<String> problems = Verify.verify(file.toString(), SpdxToolsHelper.SerFileType.JSON);
    assertEquals(List.of(), problems, "SPDX tools-java Verify rejects the document:\n" + new String(document, StandardCharsets.UTF_8));
    return JSON.readTree(document);
  }

  /** The CycloneDX document, after cyclonedx-core-java's schema validation for 1.5 found nothing wrong with it. */
  static JsonNode validCycloneDx(byte[] document) throws Exception {
    List<ParseException> problems = new JsonParser().validate(document, Version.VERSION_15);
    List<String> messages = problems.stream().map(Throwable::getMessage).toList();
    assertEquals(List.of(), messages, "CycloneDX 1.5 schema validation rejects the document:\n" + new String(document, StandardCharsets.UTF_8));
    assertTrue(new JsonParser().isValid(document, Version.VERSION_15));
    return JSON.readTree(document);
  }

  /** The SPDX packages whose purl is {@code purl}. */
  static List<JsonNode> spdxPackagesWithPurl(JsonNode doc, String purl) {
    List<JsonNode> found = new ArrayList<>();
    for (JsonNode p : doc.get("packages")) {
      for (JsonNode ref : iterable(p.get("externalRefs"))) {
        if (ref.get("referenceType").asText().equals("purl") && ref.get("referenceLocator").asText().equals(purl)) {
          found.add(p);
        }
      }
    }
    return found;
  }

  static JsonNode onlySpdxPackage(JsonNode doc, String purl) {
    List<JsonNode> found = spdxPackagesWithPurl(doc, purl);
    assertEquals(1, found.size(), "packages with purl " + purl);
    return found.get(0);
  }

  static JsonNode onlyComponent(JsonNode bom, String purl) {
    List<JsonNode> found = new ArrayList<>();
    for (JsonNode c : bom.get("components")) {
      if (c.has("purl") && c.get("purl").asText().equals(purl)) {
        found.add(c);
      }
    }
    assertEquals(1, found.size(), "components with purl " + purl);
    return found.get(0);
  }

  static String sha256Checksum(JsonNode spdxElement) {
    for (JsonNode c : spdxElement.get("checksums")) {
      if (c.get("algorithm").asText().equals("SHA256")) {
        return c.get("checksumValue").asText();
      }
    }
    return fail("no SHA256 checksum in " + spdxElement);
  }

  static String hash(JsonNode component, String algorithm) {
    for (JsonNode h : iterable(component.get("hashes"))) {
      if (h.get("alg").asText().equals(algorithm)) {
        return h.get("content").asText();
      }
    }
    return null;
  }

  /** Relationships as "A TYPE B" lines. */
  static List<String> relationships(JsonNode spdx) {
    List<String> lines = new ArrayList<>();
    for (JsonNode r : spdx.get("relationships")) {
      lines.add(r.get("spdxElementId").asText() + " " + r.get("relationshipType").asText() + " " + r.get("relatedSpdxElement").asText());
    }
    return lines;
  }

  static Iterable<JsonNode> iterable(JsonNode array) {
    return array == null ? List.of() : () -> StreamSupport.stream(array.spliterator(), false).iterator();
  }

  static String sha256Hex(Path file) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  static String sha1Hex(Path file) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(Files.readAllBytes(file)));
  }
}

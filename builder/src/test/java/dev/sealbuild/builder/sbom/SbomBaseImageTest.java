package dev.sealbuild.builder.sbom;

import dev.sealbuild.formats.oci.PlatformImage;
import dev.sealbuild.formats.oci.Manifest;
import dev.sealbuild.formats.oci.ImageConfig;
import static dev.sealbuild.builder.sbom.SbomTestKit.onlyComponent;
import static dev.sealbuild.builder.sbom.SbomTestKit.onlySpdxPackage;
import static dev.sealbuild.builder.sbom.SbomTestKit.relationships;
import static dev.sealbuild.builder.sbom.SbomTestKit.sha256Checksum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.packageurl.PackageURL;
import dev.sealbuild.builder.image.BuiltImage;
import dev.sealbuild.builder.provenance.BuildRun;
import dev.sealbuild.builder.provenance.ProvenanceStatement;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.oci.Descriptor;
import dev.sealbuild.formats.oci.MediaType;
import dev.sealbuild.lockfiles.lock.LockedBaseImage;
import dev.sealbuild.lockfiles.lock.LockedDescriptor;
import dev.sealbuild.lockfiles.lock.LockedPlatformImage;
import dev.sealbuild.lockfiles.lock.Lockfile;
import dev.sealbuild.lockfiles.lock.SpecDigest;
import dev.sealbuild.lockfiles.spec.BuildSpec;
import dev.sealbuild.formats.oci.Platform;
import dev.sealbuild.testsupport.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.cyclonedx.Version;
import org.cyclonedx.parsers.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spdx.tools.SpdxToolsHelper;
import org.spdx.tools.Verify;

/** A spec on a registry base image: the image it was pinned to is one pkg:oci component the image descends from. */
class SbomBaseImageTest {
  @TempDir Path work;

  private static LockedDescriptor descriptor(String mediaType, String content) {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    return new LockedDescriptor(mediaType, Sha256.hash(bytes), bytes.length);
  }

  /** A platform whose one layer is the real Alpine minirootfs for that architecture, in the cache as prep leaves it. */
  private static LockedPlatformImage platform(SbomTestKit kit, String platform, String alpineArch) throws Exception {
    byte[] layer = Files.readAllBytes(Fixtures.file("alpine/minirootfs/alpine-minirootfs-3.20.3-" + alpineArch + ".tar.gz"));
    kit.cache(layer);
    return new LockedPlatformImage(Platform.parse(platform), descriptor("application/vnd.oci.image.manifest.v1+json", "manifest " + platform),
        descriptor("application/vnd.oci.image.config.v1+json", "config " + platform),
        List.of(new LockedDescriptor("application/vnd.oci.image.layer.v1.tar+gzip", Sha256.hash(layer), layer.length)));
  }

  @Test
  void theBaseImageIsAnOciPackageUrlOfItsPinnedDigest() throws Exception {
    SbomTestKit kit = new SbomTestKit(work);
    BuildSpec spec = kit.spec("""
        name: app
        base: {image: "registry.example.com:5000/library/debian:12"}
        platforms: [linux/amd64, linux/arm64]
        """);
    LockedDescriptor index = descriptor("application/vnd.oci.image.index.v1+json", "index");
    LockedBaseImage base = new LockedBaseImage("registry.example.com:5000/library/debian:12", "registry.example.com:5000/library/debian",
        index, List.of(platform(kit, "linux/amd64", "x86_64"), platform(kit, "linux/arm64", "aarch64")));
    Lockfile lock = new Lockfile(Lockfile.VERSION, SpecDigest.of(spec), 0, null, base, List.of(), null, null);
    byte[] spdx = kit.generate(spec, lock, SbomFormat.SPDX_JSON);
    JsonNode doc = kit.validSpdx(spdx);
    JsonNode bom = SbomTestKit.validCycloneDx(kit.generate(spec, lock, SbomFormat.CYCLONEDX_JSON));
    try (java.util.stream.Stream<Path> blobs = Files.list(kit.cache.blobsDir())) {
      for (Path blob : blobs.toList()) {
        Files.delete(blob);
      }
    }
    org.junit.jupiter.api.Assertions.assertArrayEquals(spdx, kit.generate(spec, lock, SbomFormat.SPDX_JSON),
        "the base image's databases come from the facts the first run recorded, not its layers again");

    String purl = "pkg:oci/debian@" + index.digest() + "?repository_url=registry.example.com:5000%2Flibrary%2Fdebian&tag=12";
    PackageURL parsed = new PackageURL(purl);
    assertEquals("oci", parsed.getType());
    assertEquals("debian", parsed.getName());
    assertEquals(index.digest().toString(), parsed.getVersion());
    assertEquals("registry.example.com:5000/library/debian", parsed.getQualifiers().get("repository_url"));
    assertEquals("12", parsed.getQualifiers().get("tag"));

    JsonNode pkg = onlySpdxPackage(doc, purl);
    assertEquals(index.digest().hex(), sha256Checksum(pkg));
    assertEquals("CONTAINER", pkg.get("primaryPackagePurpose").asText());
    assertTrue(relationships(doc).contains("SPDXRef-image DESCENDANT_OF " + pkg.get("SPDXID").asText()), relationships(doc).toString());
    for (LockedPlatformImage p : base.platforms()) {
      assertTrue(pkg.get("comment").asText().contains(p.platform() + " manifest " + p.manifest().digest()), pkg.get("comment").asText());
    }
    JsonNode component = onlyComponent(bom, purl);
    assertEquals("container", component.get("type").asText());
    assertEquals(index.digest().hex(), SbomTestKit.hash(component, "SHA-256"));

    // The packages the base image's own apk database lists, read from its layers: busybox among them, with the
    // version and license the real 3.20.3 database states, contained in the base image.
    JsonNode busybox = null;
    for (JsonNode p : doc.get("packages")) {
      if (p.get("name").asText().equals("busybox")) {
        busybox = p;
      }
    }
    assertTrue(busybox != null, "busybox from the base image's database is listed");
    assertEquals("1.36.1-r29", busybox.get("versionInfo").asText(), "as fixtures/alpine/v3.20-x86_64-minirootfs-db/installed says");
    assertTrue(busybox.get("comment").asText().contains("installed in the base image"), busybox.toString());
    assertEquals("GPL-2.0-only", busybox.get("licenseDeclared").asText());
    assertTrue(relationships(doc).contains(pkg.get("SPDXID").asText() + " CONTAINS " + busybox.get("SPDXID").asText()),
        relationships(doc).toString());
  }

  /** The validators the other tests rely on do reject documents: a missing required field, a malformed serial. */
  @Test
  void theValidatorsRejectBrokenDocuments() throws Exception {
    SbomTestKit kit = new SbomTestKit(work);
    BuildSpec spec = kit.spec("name: app\n");
    Lockfile lock = new Lockfile(Lockfile.VERSION, SpecDigest.of(spec), 0, null, List.of());
    ObjectNode spdx =
        (ObjectNode) kit.validSpdx(kit.generate(spec, lock, SbomFormat.SPDX_JSON));
    ((ObjectNode) spdx.get("packages").get(0)).remove("downloadLocation");
    Path broken = work.resolve("broken.spdx.json");
    Files.write(broken, SbomTestKit.JSON.writeValueAsBytes(spdx));
    assertTrue(!Verify.verify(broken.toString(), SpdxToolsHelper.SerFileType.JSON).isEmpty());
    ObjectNode cdx =
        (ObjectNode) SbomTestKit.validCycloneDx(kit.generate(spec, lock, SbomFormat.CYCLONEDX_JSON));
    cdx.put("serialNumber", "not-a-urn");
    assertTrue(!new JsonParser().validate(SbomTestKit.JSON.writeValueAsBytes(cdx), Version.VERSION_15).isEmpty());
  }

  /** The SBOM and the provenance of the same build print the same purl for the base image. */
  @Test
  void theSbomAndTheProvenanceNameTheBaseImageAlike() throws Exception {
    SbomTestKit kit = new SbomTestKit(work);
    BuildSpec spec = kit.spec("""
        name: app
        base: {image: "registry.example.com:5000/library/debian:12"}
        platforms: [linux/amd64]
        """);
    LockedDescriptor index = descriptor("application/vnd.oci.image.index.v1+json", "index");
    LockedBaseImage base = new LockedBaseImage("registry.example.com:5000/library/debian:12",
        "registry.example.com:5000/library/debian", index, List.of(platform(kit, "linux/amd64", "x86_64")));
    Lockfile lock = new Lockfile(Lockfile.VERSION, SpecDigest.of(spec), 0, null, base, List.of(), null, null);
    String purl = "pkg:oci/debian@" + index.digest() + "?repository_url=registry.example.com:5000%2Flibrary%2Fdebian&tag=12";

    JsonNode sbom = kit.validSpdx(kit.generate(spec, lock, SbomFormat.SPDX_JSON));
    onlySpdxPackage(sbom, purl);
    Descriptor manifest = Descriptor.of(MediaType.OCI_MANIFEST, Sha256.hash("manifest".getBytes(StandardCharsets.UTF_8)), 8);
    Manifest document = Manifest.image(
        Descriptor.of(MediaType.OCI_CONFIG, Sha256.hash("config".getBytes(StandardCharsets.UTF_8)), 6), List.of(), Map.of());
    PlatformImage platformImage = new PlatformImage(Platform.LINUX_AMD64, manifest, document,
        new ImageConfig(null, Platform.LINUX_AMD64, null, List.of(), List.of(), null));
    BuiltImage image = new BuiltImage(work, manifest, Map.of(Platform.LINUX_AMD64,
        new BuiltImage.BuiltPlatform(platformImage, List.of())), List.of());
    JsonNode provenance = SbomTestKit.JSON.readTree(
        ProvenanceStatement.of(image, spec, lock, new BuildRun("test", 0, true)).toJson());
    List<String> uris = provenance.findValuesAsText("uri");
    assertTrue(uris.contains(purl), purl + " among " + uris);
  }
}

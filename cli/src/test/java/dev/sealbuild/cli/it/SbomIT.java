package dev.sealbuild.cli.it;

import static dev.sealbuild.cli.it.Sealbuild.ok;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealbuild.testsupport.Requirements;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.cyclonedx.Version;
import org.cyclonedx.parsers.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spdx.tools.SpdxToolsHelper;
import org.spdx.tools.Verify;

/**
 * {@code build sbom} on the busybox sample as a user runs it: refused with what to do before prep, then, after
 * prep, an SPDX file and a CycloneDX document that the formats' own validators accept, listing the locked
 * package as the lock pins it, the same bytes each time.
 */
class SbomIT {
  @TempDir Path work;

  @Test
  void busyboxSample() throws Exception {
    Requirements.require(Files.isRegularFile(Path.of("/usr/share/keyrings/debian-archive-keyring.gpg")),
        "/usr/share/keyrings/debian-archive-keyring.gpg is missing (apt-get install debian-archive-keyring)");
    Path project = work.resolve("busybox");
    DeterminismIT.copyTree(Sealbuild.ROOT.resolve("samples/busybox"), project);
    Sealbuild sb = new Sealbuild(work).env("SEALBUILD_CACHE", work.resolve("cache").toString());

    Sealbuild.Result early = sb.run("sbom", "busybox", "--format", "spdx-json", "-o", "early.spdx.json");
    assertEquals(1, early.exit(), early.toString());
    String error = early.stderr().strip();
    assertTrue(!error.contains("\n") && error.contains("busybox-static") && error.contains("run build prep"), error);

    ok(sb.run("prep", "busybox"));
    ok(sb.run("sbom", "busybox", "--format", "spdx-json", "-o", "busybox.spdx.json"));
    Path spdxFile = work.resolve("busybox.spdx.json");
    System.setProperty("org.spdx.useJARLicenseInfoOnly", "true");
    SpdxToolsHelper.initialize();
    List<String> problems = Verify.verify(spdxFile.toString(), SpdxToolsHelper.SerFileType.JSON);
    assertEquals(List.of(), problems, "SPDX tools-java Verify rejects " + Files.readString(spdxFile));

    JsonNode lock = new ObjectMapper().readTree(project.resolve("build.lock.json").toFile()).get("packages").get(0);
    String version = lock.get("version").asText();
    String purl = "pkg:deb/debian/busybox-static@" + version.replace("+", "%2B") + "?arch=amd64";
    JsonNode spdx = new ObjectMapper().readTree(spdxFile.toFile());
    List<JsonNode> listed = new ArrayList<>();
    for (JsonNode p : spdx.get("packages")) {
      if (p.has("externalRefs") && p.get("externalRefs").get(0).get("referenceLocator").asText().equals(purl)) {
        listed.add(p);
      }
    }
    assertEquals(1, listed.size(), purl + " in " + spdx);
    JsonNode busybox = listed.get(0);
    assertEquals(version, busybox.get("versionInfo").asText());
    assertEquals(lock.get("sha256").asText(), "sha256:" + busybox.get("checksums").get(0).get("checksumValue").asText());
    assertTrue(busybox.get("supplier").asText().startsWith("Person: "), busybox.get("supplier").asText());

    Sealbuild.Result cdx = ok(sb.run("sbom", "busybox", "--format", "cyclonedx-json"));
    byte[] document = cdx.stdout().getBytes(StandardCharsets.UTF_8);
    assertEquals(List.of(), new JsonParser().validate(document, Version.VERSION_15).stream().map(Throwable::getMessage).toList(),
        "CycloneDX 1.5 schema validation rejects " + cdx.stdout());
    JsonNode component = new ObjectMapper().readTree(document).get("components").get(0);
    assertEquals(purl, component.get("purl").asText());

    ok(sb.run("sbom", "busybox", "--format", "spdx-json", "-o", "again.spdx.json"));
    assertArrayEquals(Files.readAllBytes(spdxFile), Files.readAllBytes(work.resolve("again.spdx.json")), "same inputs, same bytes");
  }
}

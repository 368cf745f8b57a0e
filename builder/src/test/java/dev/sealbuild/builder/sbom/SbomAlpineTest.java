package dev.sealbuild.builder.sbom;

import static dev.sealbuild.builder.sbom.SbomTestKit.hash;
import static dev.sealbuild.builder.sbom.SbomTestKit.onlyComponent;
import static dev.sealbuild.builder.sbom.SbomTestKit.onlySpdxPackage;
import static dev.sealbuild.builder.sbom.SbomTestKit.relationships;
import static dev.sealbuild.builder.sbom.SbomTestKit.sha256Checksum;
import static dev.sealbuild.builder.sbom.SbomTestKit.sha256Hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.packageurl.PackageURL;
import dev.sealbuild.builder.testing.Refusals;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.lockfiles.lock.LockException;
import dev.sealbuild.lockfiles.lock.LockedFile;
import dev.sealbuild.lockfiles.lock.LockedPackage;
import dev.sealbuild.lockfiles.lock.LockedRootfs;
import dev.sealbuild.lockfiles.lock.Lockfile;
import dev.sealbuild.lockfiles.lock.SpecDigest;
import dev.sealbuild.lockfiles.spec.BuildSpec;
import dev.sealbuild.formats.oci.Platform;
import dev.sealbuild.testsupport.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SBOMs for an Alpine image made of real inputs: the Alpine 3.20.3 minirootfs as the base, the real signed
 * strace and curl packages, a pinned file and local files. What each package states is read independently
 * from the signed index's excerpt ({@code L:}, {@code m:}) and the minirootfs's own database.
 */
class SbomAlpineTest {
  private static final String INDEX = "alpine/v3.16-x86_64/APKINDEX.subset-unsigned.txt";
  private static final String MINIROOTFS = "alpine/minirootfs/alpine-minirootfs-3.20.3-x86_64.tar.gz";
  private static final String MINIROOTFS_DB = "alpine/v3.20-x86_64-minirootfs-db/installed";
  private static final long EPOCH = 1_718_000_000L;
  private static final String SPEC = """
      name: registry.example.com/team/alpine-tools
      base:
        rootfs: {path: alpine-minirootfs-3.20.3-x86_64.tar.gz}
      repositories:
        - {name: main, type: alpine, url: https://alpine.example.org/v3.16/main, keys: [alpine.rsa.pub]}
      packages: [curl, strace]
      files:
        - {url: "https://files.example.org/dl/tool-1.0.tar.gz", dest: /opt/tool/, extract: true}
      copy:
        - {src: app, dest: /srv/app}
        - {src: hello.sh, dest: /usr/local/bin/hello}
      """;

  @TempDir Path work;
  private SbomTestKit kit;
  private BuildSpec spec;
  private Lockfile lock;
  private final List<LockedPackage> packages = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    kit = new SbomTestKit(work);
    Files.createDirectories(kit.specDir.resolve("app/static"));
    Files.writeString(kit.specDir.resolve("app/main.py"), "print('hi')\n");
    Files.writeString(kit.specDir.resolve("app/static/index.html"), "<p>hi</p>\n");
    Files.writeString(kit.specDir.resolve("hello.sh"), "#!/bin/sh\necho hello\n");
    spec = kit.spec(SPEC);
    Map<String, Map<Character, String>> index = stanzas(Files.readString(Fixtures.file(INDEX)));
    for (String file : List.of("curl-7.83.1-r1.apk", "strace-5.17-r0.apk")) {
      byte[] apk = Files.readAllBytes(Fixtures.file("alpine/v3.16-x86_64/" + file));
      String name = file.substring(0, file.indexOf('-'));
      Map<Character, String> entry = index.get(name);
      packages.add(new LockedPackage("apk", name, entry.get('V'), "x86_64", "main", "x86_64/" + file, kit.cache(apk),
          apk.length, entry.get('C'), List.of(Platform.LINUX_AMD64)));
    }
    byte[] rootfs = Files.readAllBytes(Fixtures.file(MINIROOTFS));
    lock = new Lockfile(Lockfile.VERSION, SpecDigest.of(spec), EPOCH,
        new LockedRootfs("alpine-minirootfs-3.20.3-x86_64.tar.gz", kit.cache(rootfs), (long) rootfs.length), null,
        List.of(new LockedFile("https://files.example.org/dl/tool-1.0.tar.gz", Sha256.hash("tool".getBytes()), 4L)), null, packages);
  }

  @Test
  void spdxListsEveryLockedPackageAsItStatesItself() throws Exception {
    JsonNode doc = kit.validSpdx(kit.generate(spec, lock, SbomFormat.SPDX_JSON));
    Map<String, Map<Character, String>> index = stanzas(Files.readString(Fixtures.file(INDEX)));
    List<String> relationships = relationships(doc);
    for (LockedPackage p : packages) {
      Map<Character, String> stated = index.get(p.name());
      String purl = "pkg:apk/alpine/" + p.name() + "@" + p.version() + "?arch=x86_64";
      JsonNode pkg = onlySpdxPackage(doc, purl);
      assertEquals(p.name(), pkg.get("name").asText());
      assertEquals(p.version(), pkg.get("versionInfo").asText());
      assertEquals(p.sha256().hex(), sha256Checksum(pkg));
      assertEquals(stated.get('L'), pkg.get("licenseDeclared").asText(), "the license the package states");
      assertEquals(stated.get('U'), pkg.get("homepage").asText());
      assertEquals("Person: " + stated.get('m').replace("<", "(").replace(">", ")"), pkg.get("supplier").asText());
      assertEquals("https://alpine.example.org/v3.16/main/x86_64/" + p.name() + "-" + p.version() + ".apk",
          pkg.get("downloadLocation").asText());
      assertTrue(relationships.contains("SPDXRef-image CONTAINS " + pkg.get("SPDXID").asText()), relationships.toString());
      PackageURL parsed = new PackageURL(purl);
      assertEquals("apk", parsed.getType());
      assertEquals("alpine", parsed.getNamespace());
      assertEquals("x86_64", parsed.getQualifiers().get("arch"));
    }
    assertTrue(relationships.contains("SPDXRef-DOCUMENT DESCRIBES SPDXRef-image"), relationships.toString());
    assertEquals(Instant.ofEpochSecond(EPOCH).toString(), doc.get("creationInfo").get("created").asText());
    assertEquals("Tool: sealbuild-" + SbomTestKit.TOOL_VERSION, doc.get("creationInfo").get("creators").get(0).asText());
  }

  @Test
  void thePackagesTheMinirootfsHasInstalledAreListedInsideIt() throws Exception {
    JsonNode doc = kit.validSpdx(kit.generate(spec, lock, SbomFormat.SPDX_JSON));
    JsonNode bom = SbomTestKit.validCycloneDx(kit.generate(spec, lock, SbomFormat.CYCLONEDX_JSON));
    Map<String, Map<Character, String>> installed = stanzas(Files.readString(Fixtures.file(MINIROOTFS_DB)));
    assertTrue(installed.size() > 10, "the minirootfs database lists its packages: " + installed.keySet());
    JsonNode rootfs = onlyNamed(doc, "alpine-minirootfs-3.20.3-x86_64.tar.gz");
    assertEquals(sha256Hex(Fixtures.file(MINIROOTFS)), sha256Checksum(rootfs));
    List<String> relationships = relationships(doc);
    for (Map.Entry<String, Map<Character, String>> e : installed.entrySet()) {
      Map<Character, String> stated = e.getValue();
      String purl = "pkg:apk/alpine/" + e.getKey() + "@" + stated.get('V') + "?arch=" + stated.get('A');
      JsonNode pkg = onlySpdxPackage(doc, purl);
      assertEquals(stated.get('L'), pkg.get("licenseDeclared").asText(), e.getKey());
      assertTrue(relationships.contains(rootfs.get("SPDXID").asText() + " CONTAINS " + pkg.get("SPDXID").asText()));
      JsonNode component = onlyComponent(bom, purl);
      assertEquals(stated.get('L'), component.get("licenses").get(0).get("expression").asText());
    }
  }

  @Test
  void cycloneDxHasTheSameInputs() throws Exception {
    JsonNode bom = SbomTestKit.validCycloneDx(kit.generate(spec, lock, SbomFormat.CYCLONEDX_JSON));
    Map<String, Map<Character, String>> index = stanzas(Files.readString(Fixtures.file(INDEX)));
    assertEquals("container", bom.get("metadata").get("component").get("type").asText());
    assertEquals(spec.name(), bom.get("metadata").get("component").get("name").asText());
    assertEquals(Instant.ofEpochSecond(EPOCH).toString(), bom.get("metadata").get("timestamp").asText());
    JsonNode tool = bom.get("metadata").get("tools").get("components").get(0);
    assertEquals("sealbuild", tool.get("name").asText());
    assertEquals(SbomTestKit.TOOL_VERSION, tool.get("version").asText());
    List<String> direct = new ArrayList<>();
    bom.get("dependencies").forEach(d -> {
      if (d.get("ref").asText().equals("image")) {
        d.get("dependsOn").forEach(r -> direct.add(r.asText()));
      }
    });
    for (LockedPackage p : packages) {
      JsonNode c = onlyComponent(bom, "pkg:apk/alpine/" + p.name() + "@" + p.version() + "?arch=x86_64");
      Map<Character, String> stated = index.get(p.name());
      assertEquals(p.version(), c.get("version").asText());
      assertEquals(p.sha256().hex(), hash(c, "SHA-256"));
      assertEquals(stated.get('L'), c.get("licenses").get(0).get("expression").asText());
      assertEquals(stated.get('m'), c.get("supplier").get("name").asText(), "the maintainer, as the package states it");
      assertTrue(direct.contains(c.get("bom-ref").asText()), "the image depends on " + p.name());
    }
  }

  @Test
  void localAndPinnedFilesAreListedWithTheirDigests() throws Exception {
    JsonNode doc = kit.validSpdx(kit.generate(spec, lock, SbomFormat.SPDX_JSON));
    JsonNode bom = SbomTestKit.validCycloneDx(kit.generate(spec, lock, SbomFormat.CYCLONEDX_JSON));
    Map<String, JsonNode> files = new HashMap<>();
    doc.get("packages").forEach(p -> {
      if (p.has("packageFileName")) {
        files.put(p.get("packageFileName").asText(), p);
      }
    });
    assertEquals(List.of("./app/main.py", "./app/static/index.html", "./hello.sh"), files.keySet().stream().sorted().toList());
    for (String relative : List.of("app/main.py", "app/static/index.html", "hello.sh")) {
      Path file = kit.specDir.resolve(relative);
      JsonNode f = files.get("./" + relative);
      assertEquals(sha256Hex(file), sha256Checksum(f));
      assertEquals(relative, f.get("name").asText());
      JsonNode component = onlyFileComponent(bom, relative);
      assertEquals(sha256Hex(file), hash(component, "SHA-256"));
      assertEquals(SbomTestKit.sha1Hex(file), hash(component, "SHA-1"));
      assertTrue(relationships(doc).contains("SPDXRef-image CONTAINS " + f.get("SPDXID").asText()));
    }
    assertTrue(files.get("./hello.sh").get("comment").asText().contains("/usr/local/bin/hello"));
    assertTrue(files.get("./app/static/index.html").get("comment").asText().contains("/srv/app/static/index.html"));
    JsonNode pinned = onlyNamed(doc, "tool-1.0.tar.gz");
    assertEquals(lock.files().get(0).sha256().hex(), sha256Checksum(pinned));
    assertEquals("https://files.example.org/dl/tool-1.0.tar.gz", pinned.get("downloadLocation").asText());
  }

  @Test
  void sameInputsGiveTheSameBytesAndAnyChangeAnotherIdentifier() throws Exception {
    for (SbomFormat format : SbomFormat.values()) {
      byte[] first = kit.generate(spec, lock, format);
      byte[] second = kit.generator().generate(spec, lock, kit.specDir, format);
      assertArrayEquals(first, second, format + " must not vary between runs");
    }
    JsonNode before = SbomTestKit.JSON.readTree(kit.generate(spec, lock, SbomFormat.CYCLONEDX_JSON));
    String namespaceBefore = SbomTestKit.JSON.readTree(kit.generate(spec, lock, SbomFormat.SPDX_JSON)).get("documentNamespace").asText();
    Files.writeString(kit.specDir.resolve("hello.sh"), "#!/bin/sh\necho changed\n");
    JsonNode after = SbomTestKit.JSON.readTree(kit.generate(spec, lock, SbomFormat.CYCLONEDX_JSON));
    String namespaceAfter = SbomTestKit.JSON.readTree(kit.generate(spec, lock, SbomFormat.SPDX_JSON)).get("documentNamespace").asText();
    assertFalse(before.get("serialNumber").equals(after.get("serialNumber")), "a changed local file changes the document's identity");
    assertFalse(namespaceBefore.equals(namespaceAfter));
    assertTrue(after.get("serialNumber").asText().matches("urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
  }

  /** build image with SOURCE_DATE_EPOCH stamps the SBOM with that time, as it stamps the image. */
  @Test
  void theImagesEpochIsTheDocumentsCreationTime() throws Exception {
    long epoch = 1_700_000_000L;
    assertTrue(lock.sourceDateEpoch() != epoch, "the lock's own epoch differs");
    JsonNode spdx = SbomTestKit.JSON.readTree(kit.generator().generate(spec, lock, kit.specDir, SbomFormat.SPDX_JSON, epoch));
    JsonNode cdx = SbomTestKit.JSON.readTree(kit.generator().generate(spec, lock, kit.specDir, SbomFormat.CYCLONEDX_JSON, epoch));
    assertEquals("2023-11-14T22:13:20Z", spdx.at("/creationInfo/created").asText());
    assertEquals("2023-11-14T22:13:20Z", cdx.at("/metadata/timestamp").asText());
    JsonNode byLock = SbomTestKit.JSON.readTree(kit.generate(spec, lock, SbomFormat.SPDX_JSON));
    assertEquals(java.time.Instant.ofEpochSecond(lock.sourceDateEpoch()).toString(), byLock.at("/creationInfo/created").asText());
  }

  @Test
  void aPackageMissingFromTheCacheIsNamedWithWhatToDo() throws Exception {
    LockedPackage strace = packages.stream().filter(p -> p.name().equals("strace")).findFirst().orElseThrow();
    Files.delete(kit.cache.blob(strace.sha256()));
    Refusals.refused(() -> kit.generate(spec, lock, SbomFormat.SPDX_JSON), "strace 5.17-r0", "run build prep");
  }

  @Test
  void aStaleLockIsRefused() throws Exception {
    BuildSpec changed = kit.spec(SPEC.replace("[curl, strace]", "[curl]"));
    String message = assertThrows(LockException.class, () -> kit.generate(changed, lock, SbomFormat.CYCLONEDX_JSON)).getMessage();
    assertTrue(message.contains("stale") && message.contains("run build lock") && !message.contains("\n"), message);
  }

  private static JsonNode onlyNamed(JsonNode doc, String name) {
    List<JsonNode> found = new ArrayList<>();
    doc.get("packages").forEach(p -> {
      if (p.get("name").asText().equals(name)) {
        found.add(p);
      }
    });
    assertEquals(1, found.size(), "packages named " + name);
    return found.get(0);
  }

  private static JsonNode onlyFileComponent(JsonNode bom, String name) {
    List<JsonNode> found = new ArrayList<>();
    bom.get("components").forEach(c -> {
      if (c.get("type").asText().equals("file") && c.get("name").asText().equals(name)) {
        found.add(c);
      }
    });
    assertEquals(1, found.size(), "file components named " + name);
    return found.get(0);
  }

  /** An APKINDEX or installed database: each stanza's one-letter fields, by package name. */
  static Map<String, Map<Character, String>> stanzas(String text) {
    Map<String, Map<Character, String>> byName = new LinkedHashMap<>();
    for (String stanza : text.split("\n\n")) {
      Map<Character, String> fields = new HashMap<>();
      for (String line : stanza.split("\n")) {
        if (line.length() > 2 && line.charAt(1) == ':') {
          fields.putIfAbsent(line.charAt(0), line.substring(2));
        }
      }
      if (fields.containsKey('P')) {
        byName.put(fields.get('P'), fields);
      }
    }
    return byName;
  }
}

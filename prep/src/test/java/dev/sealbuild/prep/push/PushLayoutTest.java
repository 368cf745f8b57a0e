package dev.sealbuild.prep.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sealbuild.prep.registry.ImageReference;
import dev.sealbuild.formats.oci.MediaType;
import dev.sealbuild.prep.registry.RegistryException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Reading and planning a push from layouts and archives, without a registry: selection, verification, refusals. */
class PushLayoutTest {
  @TempDir
  Path dir;

  private static void refused(Executable action, String... fragments) {
    PushException e = assertThrows(PushException.class, action);
    for (String fragment : fragments) {
      assertTrue(e.getMessage().contains(fragment), "'" + fragment + "' missing from: " + e.getMessage());
    }
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }

  private PushPlan plan(Path layout, String tag) {
    try (OciLayoutReader reader = OciLayoutReader.directory(layout)) {
      return PushPlan.of(reader, tag);
    }
  }

  private TestLayout twoTags() throws IOException {
    TestLayout layout = new TestLayout(dir.resolve("layout"));
    ObjectNode one = layout.image("amd64", Map.of(), TestLayout.layer("a", "1\n"));
    ObjectNode two = layout.image("amd64", Map.of(), TestLayout.layer("a", "2\n"));
    layout.indexJson(TestLayout.tagged(one, "one"), TestLayout.tagged(two, "two"));
    return layout;
  }

  @Test
  void tagSelectsTheImageAndAMissingTagListsTheTagsThere() throws Exception {
    TestLayout layout = twoTags();
    ObjectNode two = (ObjectNode) TestLayout.JSON.readTree(Files.readAllBytes(layout.dir.resolve("index.json"))).get("manifests").get(1);
    assertEquals(TestLayout.digest(two), plan(layout.dir, "two").root().digest());
    refused(() -> plan(layout.dir, "three"), "oci:" + layout.dir, "no image tagged 'three'", "its tags: one, two");
    refused(() -> plan(layout.dir, null), "holds 2 images", "oci:" + layout.dir + ":TAG", "one, two");
  }

  @Test
  void withoutATagTheOnlyImageIsTakenAndItsReferrersAreNotCandidates() throws Exception {
    TestLayout layout = new TestLayout(dir.resolve("layout"));
    ObjectNode image = layout.image("amd64", Map.of(), TestLayout.layer("a", "image\n"));
    ObjectNode sbom = layout.referrer(image, "application/spdx+json", "{}");
    layout.indexJson(sbom, image);
    PushPlan plan = plan(layout.dir, null);
    assertEquals(TestLayout.digest(image), plan.root().digest());
    assertEquals(1, plan.referrers().size());
    assertEquals(TestLayout.digest(sbom), plan.referrers().get(0).root().descriptor().digest());
  }

  @Test
  void missingDirectoryFileOrLayoutMarkerIsNamed() throws Exception {
    refused(() -> OciLayoutReader.directory(dir.resolve("absent")), "oci:" + dir.resolve("absent"), "no such directory");
    refused(() -> OciLayoutReader.archive(dir.resolve("absent.tar")), "oci-archive:" + dir.resolve("absent.tar"), "no such file");
    Files.createDirectories(dir.resolve("empty"));
    refused(() -> OciLayoutReader.directory(dir.resolve("empty")), "not an OCI image layout", "oci-layout");
    TestLayout layout = new TestLayout(dir.resolve("no-index"));
    refused(() -> OciLayoutReader.directory(layout.dir), "no index.json");
  }

  @Test
  void corruptShortOrMissingBlobsAreRefusedNamingTheDigest() throws Exception {
    TestLayout layout = new TestLayout(dir.resolve("layout"));
    ObjectNode manifest = layout.image("amd64", Map.of(), TestLayout.layer("a", "payload\n"));
    layout.indexJson(TestLayout.tagged(manifest, "v1"));
    String layer = layout.blobsOf(manifest).get(1).get("digest").asText();
    byte[] good = layout.bytes(layer);

    byte[] flipped = good.clone();
    flipped[flipped.length / 2] ^= 0x40;
    Files.write(layout.blobPath(layer), flipped);
    refused(() -> plan(layout.dir, "v1"), layer, "hashes to", "corrupt");

    Files.write(layout.blobPath(layer), java.util.Arrays.copyOf(good, good.length - 1));
    refused(() -> plan(layout.dir, "v1"), layer, "has " + (good.length - 1) + " bytes", "says " + good.length);

    byte[] longer = java.util.Arrays.copyOf(good, good.length + 100);
    Files.write(layout.blobPath(layer), longer);
    refused(() -> plan(layout.dir, "v1"), layer, "more than " + good.length);

    Files.delete(layout.blobPath(layer));
    refused(() -> plan(layout.dir, "v1"), layer, "missing", "incomplete");

    Files.write(layout.blobPath(layer), good);
    Files.write(layout.blobPath(manifest), "{\"schemaVersion\":2}".getBytes(StandardCharsets.UTF_8), java.nio.file.StandardOpenOption.APPEND);
    refused(() -> plan(layout.dir, "v1"), TestLayout.digest(manifest).toString(), "more than");
  }

  @Test
  void hostileIndexJsonIsRefusedBeforeAnyPathIsBuilt() throws Exception {
    TestLayout layout = new TestLayout(dir.resolve("layout"));
    Files.writeString(layout.dir.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"" + MediaType.OCI_MANIFEST.toString()
        + "\",\"digest\":\"sha256:../../../etc/passwd\",\"size\":10}]}");
    refused(() -> OciLayoutReader.directory(layout.dir), "manifests[0]", "which is not sha256:<64 hex>");
    Files.writeString(layout.dir.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"" + MediaType.OCI_MANIFEST.toString()
        + "\",\"digest\":\"sha256:" + "a".repeat(64) + "\",\"size\":999999999}]}");
    refused(() -> plan(layout.dir, null), "over the 4194304 limit");
    Files.writeString(layout.dir.resolve("index.json"), "[1,2]");
    refused(() -> OciLayoutReader.directory(layout.dir), "index.json", "not a JSON object");
  }

  @Test
  void manifestWhoseMediaTypeDisagreesWithItsDescriptorIsRefused() throws Exception {
    TestLayout layout = new TestLayout(dir.resolve("layout"));
    ObjectNode manifest = layout.image("amd64", Map.of(), TestLayout.layer("a", "x\n"));
    ObjectNode lying = manifest.deepCopy().put("mediaType", MediaType.OCI_INDEX.toString());
    layout.indexJson(TestLayout.tagged(lying, "v1"));
    refused(() -> plan(layout.dir, "v1"), "says mediaType", MediaType.OCI_INDEX.toString());
    ObjectNode artifact = manifest.deepCopy().put("mediaType", "application/vnd.example.thing");
    layout.indexJson(TestLayout.tagged(artifact, "v1"));
    refused(() -> plan(layout.dir, "v1"), "application/vnd.example.thing", "only OCI and Docker v2");
  }

  private Path tar(String name, Consumer<TarArchiveOutputStream> entries) throws IOException {
    Path file = dir.resolve(name);
    try (OutputStream out = Files.newOutputStream(file); TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      entries.accept(tar);
    }
    return file;
  }

  private static void file(TarArchiveOutputStream tar, String name, String content) {
    try {
      byte[] data = content.getBytes(StandardCharsets.UTF_8);
      TarArchiveEntry entry = new TarArchiveEntry(name, true);
      entry.setSize(data.length);
      tar.putArchiveEntry(entry);
      tar.write(data);
      tar.closeArchiveEntry();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void archivesWithEscapingNamesLinksOrDuplicatesAreRefusedNamingTheEntry() throws Exception {
    Path dotdot = tar("dotdot.tar", t -> {
      file(t, "oci-layout", "{}");
      file(t, "blobs/../../evil", "x");
    });
    refused(() -> OciLayoutReader.archive(dotdot), "oci-archive:" + dotdot, "blobs/../../evil", "..");
    Path absolute = tar("absolute.tar", t -> file(t, "/etc/cron.d/x", "x"));
    refused(() -> OciLayoutReader.archive(absolute), "/etc/cron.d/x");
    Path link = tar("link.tar", t -> {
      try {
        TarArchiveEntry entry = new TarArchiveEntry("index.json", TarConstants.LF_SYMLINK);
        entry.setLinkName("/etc/passwd");
        t.putArchiveEntry(entry);
        t.closeArchiveEntry();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    refused(() -> OciLayoutReader.archive(link), "index.json", "not a regular file");
    Path twice = tar("twice.tar", t -> {
      file(t, "oci-layout", "{}");
      file(t, "index.json", "{}");
      file(t, "./index.json", "{}");
    });
    refused(() -> OciLayoutReader.archive(twice), "index.json", "twice");
    Path garbage = dir.resolve("garbage.tar");
    Files.write(garbage, new byte[] {1, 2, 3});
    refused(() -> OciLayoutReader.archive(garbage), "oci-archive:" + garbage);
  }

  @Test
  void archiveIsReadInPlaceLikeTheDirectory() throws Exception {
    TestLayout layout = twoTags();
    Path archive = layout.archive(dir.resolve("image.tar"));
    try (OciLayoutReader reader = OciLayoutReader.archive(archive)) {
      assertEquals(plan(layout.dir, "one").root(), PushPlan.of(reader, "one").root());
      assertEquals("oci-archive:" + archive, reader.label());
    }
  }

  @Test
  void sourceAndDestinationSyntax() {
    PushSource oci = PushSource.parse("oci:out/layout:v1", dir);
    assertEquals(PushSource.Transport.OCI, oci.transport());
    assertEquals(dir.resolve("out/layout"), oci.path());
    assertEquals("v1", oci.tag());
    PushSource archive = PushSource.parse("oci-archive:/tmp/x.tar", dir);
    assertEquals(PushSource.Transport.OCI_ARCHIVE, archive.transport());
    assertEquals(Path.of("/tmp/x.tar"), archive.path());
    assertNull(archive.tag());
    refused(() -> PushSource.parse("docker://example.com/a:b", dir), "not oci:DIR", "not between registries");
    refused(() -> PushSource.parse("oci:", dir), "names no path");
    refused(() -> PushSource.parse("dir:/x", dir), "'dir:/x'");

    ImageReference destination = PushDestination.parse("docker://registry.example:5000/team/app:1.0");
    assertEquals("registry.example:5000", destination.registry());
    assertEquals("team/app", destination.repository());
    assertEquals("1.0", destination.tag());
    refused(() -> PushDestination.parse("registry.example/team/app:1"), "docker://");
    refused(() -> PushDestination.parse("oci:out"), "docker://");
    assertThrows(RegistryException.class, () -> PushDestination.parse("docker://UPPER/Case:tag"));
  }
}

package dev.sealbuild.builder.output;

import dev.sealbuild.formats.oci.PlatformImage;
import dev.sealbuild.formats.oci.ImageConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.builder.image.BuiltImage;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.oci.Descriptor;
import dev.sealbuild.formats.oci.Index;
import dev.sealbuild.formats.oci.Manifest;
import dev.sealbuild.formats.oci.MediaType;
import dev.sealbuild.formats.oci.OciDocument;
import dev.sealbuild.formats.oci.OciLayout;
import dev.sealbuild.formats.oci.Platform;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code oci:} outputs another user can read: every file 0644, every directory 0755, however blobs were staged. */
class OciLayoutWriterTest {
  @TempDir Path work;

  /** A staged image as the assembler leaves it: the layer blob made by Files.createTempFile (0600), the rest under umask 077. */
  private BuiltImage stagedPrivately() throws Exception {
    Path staging = Files.createDirectories(work.resolve("staging"));
    Path blobs = Files.createDirectories(staging.resolve("blobs").resolve("sha256"));
    List<Sha256> written = new ArrayList<>();
    Path layerTmp = Files.createTempFile(staging, "layer", ".tar.gz");
    byte[] layerBytes = "not really a layer".getBytes(StandardCharsets.UTF_8);
    Files.write(layerTmp, layerBytes);
    Sha256 layerDigest = Sha256.hash(layerBytes);
    Files.move(layerTmp, blobs.resolve(layerDigest.hex()));
    written.add(layerDigest);
    Descriptor layer = Descriptor.of(MediaType.OCI_LAYER_GZIP, layerDigest, layerBytes.length);
    Descriptor config = privateBlob(blobs, MediaType.OCI_CONFIG, "{}".getBytes(StandardCharsets.UTF_8), written);
    Manifest document = Manifest.image(config, List.of(layer), Map.of());
    Descriptor manifest = privateBlob(blobs, MediaType.OCI_MANIFEST, document.toBytes(), written)
        .withPlatform(Platform.LINUX_AMD64);
    ImageConfig parsed = new ImageConfig(null, Platform.LINUX_AMD64, null, List.of(layerDigest), List.of(), null);
    return new BuiltImage(staging, manifest, Map.of(Platform.LINUX_AMD64, new BuiltImage.BuiltPlatform(
        new PlatformImage(Platform.LINUX_AMD64, manifest, document, parsed), List.of(18L))), written);
  }

  private static Descriptor privateBlob(Path blobs, MediaType type, byte[] bytes, List<Sha256> written) throws Exception {
    Sha256 digest = Sha256.hash(bytes);
    Path file = blobs.resolve(digest.hex());
    Files.write(file, bytes);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    written.add(digest);
    return Descriptor.of(type, digest, bytes.length);
  }

  @Test
  void everyFileOfTheLayoutIsWorldReadable() throws Exception {
    BuiltImage image = stagedPrivately();
    Path layout = work.resolve("out");
    new OciLayoutWriter().write(image, OutputTarget.parse("oci:" + layout + ":v1", work), Map.of());

    List<Path> all;
    try (Stream<Path> walk = Files.walk(layout)) {
      all = walk.toList();
    }
    assertEquals(3, all.stream().filter(p -> p.getParent().endsWith("sha256")).count(), all.toString());
    for (Path p : all) {
      Set<PosixFilePermission> mode = Files.getPosixFilePermissions(p);
      String expected = Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--";
      assertEquals(expected, PosixFilePermissions.toString(mode), p.toString());
    }
    Index index = OciLayout.readIndex(Files.readAllBytes(layout.resolve("index.json")), "index.json");
    assertEquals("v1", index.manifests().get(0).annotations().get(OciLayout.REF_NAME));
    assertTrue(OciDocument.parse(Files.readAllBytes(layout.resolve("blobs/sha256/" + image.digest().hex())), null, "m")
        instanceof Manifest);
  }
}

package dev.sealbuild.builder.hostile;

import static dev.sealbuild.builder.hostile.Fixture.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sealbuild.formats.compress.DecompressionLimits;
import dev.sealbuild.builder.inspect.ImageContents;
import dev.sealbuild.builder.inspect.ImageReader;
import dev.sealbuild.builder.inspect.StoredImage;
import dev.sealbuild.formats.digest.Sha256;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images handed to {@code build audit} and {@code build diff} are untrusted: archive names are checked before
 * anything is written, blobs are checked against their digests, and layers are read with bounded headers.
 */
class ImageInputTest {
  @TempDir Path work;

  private StoredImage read(String location) throws Exception {
    return new ImageReader(Files.createDirectories(work.resolve("unpacked"))).read(location, work);
  }

  private static String json(String s) {
    return s.replace('\'', '"');
  }

  /** A one-layer OCI layout whose layer is {@code layer} (a plain tar), tagged {@code latest}. */
  private Path layout(byte[] layer) throws Exception {
    Path dir = Files.createDirectories(work.resolve("layout/blobs/sha256"));
    Sha256 layerDigest = write(dir, layer);
    byte[] config = json("{'architecture':'amd64','os':'linux','rootfs':{'type':'layers','diff_ids':['" + layerDigest + "']}}")
        .getBytes(StandardCharsets.UTF_8);
    Sha256 configDigest = write(dir, config);
    byte[] manifest = json("{'schemaVersion':2,'mediaType':'application/vnd.oci.image.manifest.v1+json','config':{'mediaType':"
        + "'application/vnd.oci.image.config.v1+json','digest':'" + configDigest + "','size':" + config.length + "},'layers':[{'mediaType':"
        + "'application/vnd.oci.image.layer.v1.tar','digest':'" + layerDigest + "','size':" + layer.length + "}]}").getBytes(StandardCharsets.UTF_8);
    Sha256 manifestDigest = write(dir, manifest);
    Files.writeString(work.resolve("layout/index.json"), json("{'schemaVersion':2,'manifests':[{'mediaType':"
        + "'application/vnd.oci.image.manifest.v1+json','digest':'" + manifestDigest + "','size':" + manifest.length
        + ",'annotations':{'org.opencontainers.image.ref.name':'latest'}}]}"));
    return work.resolve("layout");
  }

  private static Sha256 write(Path blobs, byte[] bytes) throws Exception {
    Sha256 digest = Sha256.hash(bytes);
    Files.write(blobs.resolve(digest.hex()), bytes);
    return digest;
  }

  @Test
  void aWellFormedLayoutIsReadAndStacked() throws Exception {
    layout(new TarOut().dir("etc").file("etc/motd", "hi").bytes());
    StoredImage image = read("oci:layout:latest");
    ImageContents contents = ImageContents.of(image.platforms().get(0), DecompressionLimits.DEFAULT);
    assertEquals(Sha256.hash("hi".getBytes(StandardCharsets.UTF_8)), contents.files().get("etc/motd").sha256());
  }

  @Test
  void aBlobThatDoesNotMatchItsDigestIsRefused() throws Exception {
    Path dir = layout(new TarOut().file("a", "a").bytes());
    try (var blobs = Files.list(dir.resolve("blobs/sha256"))) {
      for (Path blob : blobs.toList()) {
        if (Files.size(blob) > 1000) { // the layer
          byte[] bytes = Files.readAllBytes(blob);
          bytes[600] ^= 1;
          Files.write(blob, bytes);
        }
      }
    }
    refused(() -> read("oci:layout:latest"), "does not match its digest");
  }

  @Test
  void oversizedPaxHeadersInALayerAreRefused() throws Exception {
    byte[] tar = new RawTar().file("before", "ok").pax('x', RawTar.paxRecords("comment", "x".repeat(2 << 20))).file("after", "x").end().bytes();
    layout(tar);
    StoredImage image = read("oci:layout:latest");
    refused(() -> ImageContents.of(image.platforms().get(0), DecompressionLimits.DEFAULT), "exceed 1048576 bytes");
  }

  @Test
  void archiveEntriesThatWouldLeaveTheWorkDirectoryAreRefused() throws Exception {
    for (String name : List.of("../evil", "/etc/evil", "blobs/../../evil")) {
      Path archive = work.resolve("bad-" + Integer.toHexString(name.hashCode()) + ".tar");
      Files.write(archive, new RawTar().file(name, "x").end().bytes()); // raw: commons-compress would tidy the name
      refused(() -> read("oci-archive:" + archive.getFileName()), "not a plain file with a plain name");
    }
    Path links = work.resolve("links.tar");
    Files.write(links, new RawTar().symlink("index.json", "/etc/passwd").end().bytes());
    refused(() -> read("oci-archive:links.tar"), "index.json");
    assertEquals(List.of(), List.of(Files.list(work).filter(p -> p.getFileName().toString().equals("evil")).toArray()));
  }

  @Test
  void aDockerArchiveManifestNamingAPathOutsideIsRefused() throws Exception {
    Path archive = work.resolve("docker.tar");
    Files.write(archive, new TarOut().file("manifest.json", json("[{'Config':'../../etc/passwd','Layers':[]}]")).bytes());
    refused(() -> read("docker-archive:docker.tar"), "not a plain name");
  }

  @Test
  void aHostileDigestInIndexJsonIsRefused() throws Exception {
    Path dir = layout(new TarOut().file("a", "a").bytes());
    Files.writeString(dir.resolve("index.json"), json("{'schemaVersion':2,'manifests':[{'mediaType':"
        + "'application/vnd.oci.image.manifest.v1+json','digest':'sha256:../../../etc/passwd','size':1}]}"));
    refused(() -> read("oci:layout"), "not sha256:<64 hex>");
  }
}

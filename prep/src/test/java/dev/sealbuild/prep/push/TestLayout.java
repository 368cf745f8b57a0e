package dev.sealbuild.prep.push;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.prep.registry.MediaTypes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Writes small OCI image layouts by hand: gzip layers built in code, configs, manifests, indexes, index.json. */
final class TestLayout {
  static final String LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";
  static final String CONFIG = "application/vnd.oci.image.config.v1+json";
  static final ObjectMapper JSON = new ObjectMapper();

  final Path dir;

  TestLayout(Path dir) throws IOException {
    this.dir = dir;
    Files.createDirectories(dir.resolve("blobs/sha256"));
    Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
  }

  /** A layer holding one file; its uncompressed tar is returned through {@code diffId}. */
  static byte[][] layer(String name, String content) throws IOException {
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(tar)) {
      byte[] data = content.getBytes(StandardCharsets.UTF_8);
      TarArchiveEntry entry = new TarArchiveEntry(name);
      entry.setSize(data.length);
      entry.setMode(0100644);
      out.putArchiveEntry(entry);
      out.write(data);
      out.closeArchiveEntry();
    }
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(gz)) {
      out.write(tar.toByteArray());
    }
    return new byte[][] {gz.toByteArray(), tar.toByteArray()};
  }

  ObjectNode blob(String mediaType, byte[] bytes) throws IOException {
    Sha256 digest = Sha256.hash(bytes);
    Files.write(dir.resolve("blobs/sha256").resolve(digest.hex()), bytes);
    return JSON.createObjectNode().put("mediaType", mediaType).put("digest", digest.toString()).put("size", bytes.length);
  }

  /** An image manifest for {@code arch} with the given layers ({@link #layer} results); returns its descriptor. */
  ObjectNode image(String arch, Map<String, String> annotations, byte[][]... layers) throws IOException {
    ObjectNode config = JSON.createObjectNode().put("architecture", arch).put("os", "linux");
    config.putObject("config").putArray("Cmd").add("/bin/sh");
    ArrayNode diffIds = config.putObject("rootfs").put("type", "layers").putArray("diff_ids");
    ObjectNode manifest = JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", MediaTypes.OCI_MANIFEST);
    ArrayNode layerDescriptors = JSON.createArrayNode();
    for (byte[][] layer : layers) {
      diffIds.add(Sha256.hash(layer[1]).toString());
      layerDescriptors.add(blob(LAYER, layer[0]));
    }
    manifest.set("config", blob(CONFIG, JSON.writeValueAsBytes(config)));
    manifest.set("layers", layerDescriptors);
    if (!annotations.isEmpty()) {
      ObjectNode node = manifest.putObject("annotations");
      annotations.forEach(node::put);
    }
    return blob(MediaTypes.OCI_MANIFEST, JSON.writeValueAsBytes(manifest));
  }

  /** An index of platform manifests ({@link #image} results). */
  ObjectNode index(ObjectNode... manifests) throws IOException {
    ObjectNode index = JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", MediaTypes.OCI_INDEX);
    ArrayNode entries = index.putArray("manifests");
    for (ObjectNode manifest : manifests) {
      ObjectNode entry = manifest.deepCopy();
      String arch = JSON.readTree(bytes(JSON.readTree(bytes(manifest)).get("config").get("digest").asText())).get("architecture").asText();
      entry.putObject("platform").put("architecture", arch).put("os", "linux");
      entries.add(entry);
    }
    return blob(MediaTypes.OCI_INDEX, JSON.writeValueAsBytes(index));
  }

  /** An OCI 1.1 artifact (e.g. an SBOM) whose subject is {@code subject}. */
  ObjectNode referrer(ObjectNode subject, String artifactType, String payload) throws IOException {
    ObjectNode manifest = JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", MediaTypes.OCI_MANIFEST)
        .put("artifactType", artifactType);
    manifest.set("config", blob("application/vnd.oci.empty.v1+json", "{}".getBytes(StandardCharsets.UTF_8)));
    manifest.putArray("layers").add(blob(artifactType, payload.getBytes(StandardCharsets.UTF_8)));
    manifest.set("subject", subject.deepCopy());
    return blob(MediaTypes.OCI_MANIFEST, JSON.writeValueAsBytes(manifest));
  }

  void indexJson(ObjectNode... entries) throws IOException {
    ObjectNode top = JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", MediaTypes.OCI_INDEX);
    ArrayNode list = top.putArray("manifests");
    Stream.of(entries).forEach(list::add);
    Files.write(dir.resolve("index.json"), JSON.writeValueAsBytes(top));
  }

  static ObjectNode tagged(ObjectNode descriptor, String tag) {
    ObjectNode copy = descriptor.deepCopy();
    copy.putObject("annotations").put("org.opencontainers.image.ref.name", tag);
    return copy;
  }

  static Sha256 digest(ObjectNode descriptor) {
    return Sha256.parse(descriptor.get("digest").asText());
  }

  Path blobPath(ObjectNode descriptor) {
    return blobPath(descriptor.get("digest").asText());
  }

  Path blobPath(String digest) {
    return dir.resolve("blobs/sha256").resolve(Sha256.parse(digest).hex());
  }

  byte[] bytes(ObjectNode descriptor) throws IOException {
    return bytes(descriptor.get("digest").asText());
  }

  byte[] bytes(String digest) throws IOException {
    return Files.readAllBytes(blobPath(digest));
  }

  /** The descriptors of a manifest's config and layers. */
  ArrayNode blobsOf(ObjectNode manifest) throws IOException {
    var json = JSON.readTree(bytes(manifest));
    ArrayNode all = JSON.createArrayNode();
    all.add(json.get("config"));
    json.get("layers").forEach(all::add);
    return all;
  }

  /** Writes this layout as an oci-archive tar (plain ustar entries, in a fixed order). */
  Path archive(Path file) throws IOException {
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(Files.newOutputStream(file));
        Stream<Path> walk = Files.walk(dir)) {
      out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Path path : walk.sorted().toList()) {
        if (path.equals(dir)) {
          continue;
        }
        String name = dir.relativize(path).toString() + (Files.isDirectory(path) ? "/" : "");
        TarArchiveEntry entry = new TarArchiveEntry(path.toFile(), name);
        out.putArchiveEntry(entry);
        if (Files.isRegularFile(path)) {
          Files.copy(path, out);
        }
        out.closeArchiveEntry();
      }
    }
    return file;
  }
}

package dev.sealbuild.testsupport.registry;

import dev.sealbuild.formats.oci.MediaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.testsupport.Fixtures;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Writes a tiny OCI layout from the Alpine minirootfs fixtures: one image per architecture (the tarball as its
 * gzip layer) tagged {@code amd64} / {@code arm64}, and an index of both tagged {@code multi}.
 */
public final class TestImages {
  public static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";
  private static final ObjectMapper JSON = new ObjectMapper();

  public final Path layout;
  public final byte[] amd64Layer;
  public final byte[] arm64Layer;

  private TestImages(Path layout, byte[] amd64Layer, byte[] arm64Layer) {
    this.layout = layout;
    this.amd64Layer = amd64Layer;
    this.arm64Layer = arm64Layer;
  }

  public static Path fixture(String arch) {
    return Fixtures.file("alpine/minirootfs/alpine-minirootfs-3.20.3-" + arch + ".tar.gz");
  }

  public static TestImages write(Path layout) throws IOException {
    Files.createDirectories(layout.resolve("blobs/sha256"));
    Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    byte[] amd64Layer = Files.readAllBytes(fixture("x86_64"));
    byte[] arm64Layer = Files.readAllBytes(fixture("aarch64"));
    ObjectNode amd64 = image(layout, amd64Layer, "amd64", null);
    ObjectNode arm64 = image(layout, arm64Layer, "arm64", "v8");

    ObjectNode index = JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", MediaType.OCI_INDEX.toString());
    ArrayNode entries = index.putArray("manifests");
    entries.add(withPlatform(amd64.deepCopy(), "amd64", null));
    entries.add(withPlatform(arm64.deepCopy(), "arm64", "v8"));
    ObjectNode indexDescriptor = blob(layout, MediaType.OCI_INDEX.toString(), JSON.writeValueAsBytes(index));

    ObjectNode top = JSON.createObjectNode().put("schemaVersion", 2);
    ArrayNode refs = top.putArray("manifests");
    refs.add(tagged(amd64, "amd64"));
    refs.add(tagged(arm64, "arm64"));
    refs.add(tagged(indexDescriptor, "multi"));
    Files.write(layout.resolve("index.json"), JSON.writeValueAsBytes(top));
    return new TestImages(layout, amd64Layer, arm64Layer);
  }

  public String source(String tag) {
    return "oci:" + layout + ":" + tag;
  }

  private static ObjectNode image(Path layout, byte[] gzipLayer, String arch, String variant) throws IOException {
    Sha256 diffId;
    try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(gzipLayer))) {
      diffId = Sha256.hash(in.readAllBytes());
    }
    ObjectNode config = JSON.createObjectNode().put("architecture", arch).put("os", "linux");
    if (variant != null) {
      config.put("variant", variant);
    }
    ObjectNode runtime = config.putObject("config");
    runtime.putArray("Env").add("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin").add("BASE_ONLY=kept");
    runtime.putArray("Cmd").add("/bin/sh");
    runtime.putObject("Labels").put("org.example.base", "alpine").put("org.example.shared", "from-base");
    config.putArray("history").addObject().put("created_by", "alpine minirootfs " + arch);
    ObjectNode rootfs = config.putObject("rootfs").put("type", "layers");
    rootfs.putArray("diff_ids").add(diffId.toString());
    ObjectNode manifest = JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", MediaType.OCI_MANIFEST.toString());
    manifest.set("config", blob(layout, "application/vnd.oci.image.config.v1+json", JSON.writeValueAsBytes(config)));
    manifest.putArray("layers").add(blob(layout, OCI_LAYER, gzipLayer));
    return blob(layout, MediaType.OCI_MANIFEST.toString(), JSON.writeValueAsBytes(manifest));
  }

  private static ObjectNode blob(Path layout, String mediaType, byte[] bytes) throws IOException {
    Sha256 digest = Sha256.hash(bytes);
    Files.write(layout.resolve("blobs/sha256").resolve(digest.hex()), bytes);
    return JSON.createObjectNode().put("mediaType", mediaType).put("digest", digest.toString()).put("size", bytes.length);
  }

  private static ObjectNode withPlatform(ObjectNode descriptor, String arch, String variant) {
    ObjectNode platform = descriptor.putObject("platform").put("architecture", arch).put("os", "linux");
    if (variant != null) {
      platform.put("variant", variant);
    }
    return descriptor;
  }

  private static ObjectNode tagged(ObjectNode descriptor, String tag) {
    ObjectNode copy = descriptor.deepCopy();
    copy.putObject("annotations").put("org.opencontainers.image.ref.name", tag);
    return copy;
  }
}

package dev.sealbuild.builder.inspect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealbuild.builder.output.OutputTarget;
import dev.sealbuild.formats.digest.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import dev.sealbuild.formats.tar.TarReader;

/**
 * Reads an image someone hands us (untrusted): {@code oci:DIR[:TAG]}, {@code oci-archive:FILE[:TAG]} or
 * {@code docker-archive:FILE}. Archives are unpacked into a work directory under names that are checked first
 * (plain relative names, regular files only, bounded count and size), and every blob a manifest names is hashed
 * before it is used.
 */
public final class ImageReader {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");
  private static final int MAX_ENTRIES = 100_000;
  private static final long MAX_JSON_BYTES = 8L << 20;
  private static final String REF_NAME = "org.opencontainers.image.ref.name";

  private final Path workDir;

  /** {@code workDir}: an empty directory for unpacked archives, deleted by the caller. */
  public ImageReader(Path workDir) {
    this.workDir = workDir;
  }

  public StoredImage read(String location, Path workingDir) throws IOException {
    OutputTarget target = OutputTarget.parse(location, workingDir);
    return switch (target.transport()) {
      case OCI -> readLayout(location, target.path(), target.reference());
      case OCI_ARCHIVE -> readLayout(location, unpack(target.path(), location), target.reference());
      case DOCKER_ARCHIVE -> readDockerArchive(location, unpack(target.path(), location));
    };
  }

  private StoredImage readLayout(String location, Path layout, String tag) throws IOException {
    if (!Files.isRegularFile(layout.resolve("index.json"))) {
      throw new ImageReadException(location + " is not an OCI image layout (no index.json)");
    }
    JsonNode index = json(layout.resolve("index.json"), location + " index.json");
    List<JsonNode> images = new ArrayList<>();
    List<JsonNode> artifacts = new ArrayList<>();
    List<String> tags = new ArrayList<>();
    for (JsonNode m : index.path("manifests")) {
      String mediaType = m.path("mediaType").asText();
      if (m.has("artifactType")) {
        artifacts.add(m); // an OCI 1.1 referrer (SBOM, provenance) beside the image, not an image
        continue;
      }
      if (!(mediaType.endsWith("image.index.v1+json") || mediaType.endsWith("image.manifest.v1+json")
          || mediaType.endsWith("manifest.list.v2+json") || mediaType.endsWith("distribution.manifest.v2+json"))) {
        continue;
      }
      String name = m.path("annotations").path(REF_NAME).asText(null);
      if (name != null) {
        tags.add(name);
      }
      if (tag == null || tag.equals(name)) {
        images.add(m);
      }
    }
    if (images.size() != 1) {
      throw new ImageReadException(location + (images.isEmpty() ? " has no image" + (tag == null ? "" : " tagged " + tag)
          : " holds several images") + "; name one of its tags: " + (tags.isEmpty() ? "(none)" : String.join(", ", tags)));
    }
    JsonNode top = images.get(0);
    Sha256 root = digest(top.path("digest").asText(), location);
    JsonNode rootDoc = blobJson(layout, root, top.path("size").asLong(-1), location);
    List<StoredImage.PlatformImage> platforms = new ArrayList<>();
    if (rootDoc.has("manifests")) {
      for (JsonNode entry : rootDoc.path("manifests")) {
        if (entry.has("platform") && entry.path("mediaType").asText().contains("manifest")) {
          JsonNode p = entry.path("platform");
          String platform = p.path("os").asText() + "/" + p.path("architecture").asText()
              + (p.has("variant") ? "/" + p.path("variant").asText() : "");
          Sha256 manifest = digest(entry.path("digest").asText(), location);
          platforms.add(platformImage(layout, location, platform, manifest, blobJson(layout, manifest, entry.path("size").asLong(-1), location)));
        }
      }
    } else {
      platforms.add(platformImage(layout, location, null, root, rootDoc));
    }
    return new StoredImage(location, root, platforms, referrers(layout, location, root, artifacts));
  }

  private static List<StoredImage.Referrer> referrers(Path layout, String location, Sha256 root, List<JsonNode> artifacts)
      throws IOException {
    List<StoredImage.Referrer> referrers = new ArrayList<>();
    for (JsonNode a : artifacts) {
      Sha256 digest = digest(a.path("digest").asText(), location);
      JsonNode manifest = blobJson(layout, digest, a.path("size").asLong(-1), location);
      if (!root.toString().equals(manifest.path("subject").path("digest").asText()) || manifest.path("layers").size() != 1) {
        continue;
      }
      JsonNode layer = manifest.path("layers").get(0);
      Path document = checkedBlob(layout, digest(layer.path("digest").asText(), location), layer.path("size").asLong(-1), location);
      referrers.add(new StoredImage.Referrer(manifest.path("artifactType").asText(a.path("artifactType").asText()), digest, document));
    }
    return referrers;
  }

  private StoredImage.PlatformImage platformImage(Path layout, String location, String platform, Sha256 manifestDigest, JsonNode manifest)
      throws IOException {
    JsonNode configDescriptor = manifest.path("config");
    Sha256 configDigest = digest(configDescriptor.path("digest").asText(), location);
    JsonNode config = blobJson(layout, configDigest, configDescriptor.path("size").asLong(-1), location);
    String own = config.path("os").asText() + "/" + config.path("architecture").asText()
        + (config.has("variant") ? "/" + config.path("variant").asText() : "");
    List<StoredImage.Layer> layers = new ArrayList<>();
    for (JsonNode l : manifest.path("layers")) {
      Sha256 digest = digest(l.path("digest").asText(), location);
      Path file = checkedBlob(layout, digest, l.path("size").asLong(-1), location);
      layers.add(new StoredImage.Layer(l.path("mediaType").asText(), digest, file));
    }
    return new StoredImage.PlatformImage(platform != null ? platform : own, manifestDigest, configDigest, config, layers,
        manifest.path("annotations").path("org.opencontainers.image.base.digest").asText(null));
  }

  private StoredImage readDockerArchive(String location, Path dir) throws IOException {
    JsonNode manifest = json(dir.resolve("manifest.json"), location + " manifest.json");
    if (!manifest.isArray() || manifest.size() != 1) {
      throw new ImageReadException(location + " must hold exactly one image (manifest.json lists " + manifest.size() + ")");
    }
    JsonNode entry = manifest.get(0);
    Path configFile = inside(dir, entry.path("Config").asText(), location);
    byte[] configBytes = Files.readAllBytes(configFile);
    JsonNode config = JSON.readTree(configBytes);
    String platform = config.path("os").asText() + "/" + config.path("architecture").asText()
        + (config.has("variant") ? "/" + config.path("variant").asText() : "");
    List<StoredImage.Layer> layers = new ArrayList<>();
    for (JsonNode name : entry.path("Layers")) {
      Path file = inside(dir, name.asText(), location);
      layers.add(new StoredImage.Layer("application/vnd.oci.image.layer.v1.tar", Sha256.hash(file), file));
    }
    return new StoredImage(location, null, List.of(new StoredImage.PlatformImage(platform, null, Sha256.hash(configBytes), config, layers, null)),
        List.of());
  }

  /** Unpacks an archive's regular files into a fresh directory; any other entry or an unsafe name is refused. */
  private Path unpack(Path archive, String location) throws IOException {
    Path dir = Files.createTempDirectory(workDir, "image");
    try (InputStream raw = Files.newInputStream(archive)) {
      TarReader tar = new TarReader(raw, location, MAX_ENTRIES);
      TarReader.Entry e;
      while ((e = tar.next()) != null) {
        String name = e.name().replaceFirst("^\\./", "").replaceFirst("/$", "");
        if (e.header().isDirectory() || name.isEmpty()) {
          continue;
        }
        if (!e.isRegularFile() || !SAFE_NAME.matcher(name).matches() || name.contains("..")) {
          throw new ImageReadException(location + ": entry '" + printable(name) + "' is not a plain file with a plain name; refused");
        }
        Path target = dir.resolve(name);
        if (Files.exists(target)) {
          throw new ImageReadException(location + ": entry '" + name + "' appears twice; refused");
        }
        Files.createDirectories(target.getParent());
        try (OutputStream out = Files.newOutputStream(target)) {
          tar.data().transferTo(out);
        }
      }
    } catch (NoSuchFileException e) {
      throw new ImageReadException(location + ": no such file " + archive);
    }
    return dir;
  }

  private static Path inside(Path dir, String name, String location) {
    if (!SAFE_NAME.matcher(name).matches() || name.contains("..")) {
      throw new ImageReadException(location + ": manifest.json names '" + printable(name) + "', which is not a plain name; refused");
    }
    Path file = dir.resolve(name);
    if (!Files.isRegularFile(file)) {
      throw new ImageReadException(location + ": manifest.json names " + name + ", which the archive does not hold");
    }
    return file;
  }

  private static Path checkedBlob(Path layout, Sha256 digest, long size, String location) throws IOException {
    Path file = layout.resolve("blobs").resolve("sha256").resolve(digest.hex());
    if (!Files.isRegularFile(file)) {
      throw new ImageReadException(location + " lacks blob " + digest);
    }
    if ((size >= 0 && Files.size(file) != size) || !Sha256.hash(file).equals(digest)) {
      throw new ImageReadException(location + ": blob " + digest + " does not match its digest or size; the image is corrupt");
    }
    return file;
  }

  private static JsonNode blobJson(Path layout, Sha256 digest, long size, String location) throws IOException {
    return json(checkedBlob(layout, digest, size, location), location + " blob " + digest);
  }

  private static JsonNode json(Path file, String what) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new ImageReadException(what + " is missing");
    }
    if (Files.size(file) > MAX_JSON_BYTES) {
      throw new ImageReadException(what + " is larger than " + MAX_JSON_BYTES + " bytes; refused");
    }
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new ImageReadException(what + " is not JSON");
    }
  }

  private static Sha256 digest(String text, String location) {
    try {
      return Sha256.parse(text);
    } catch (IllegalArgumentException e) {
      throw new ImageReadException(location + " names digest '" + printable(text) + "', which is not sha256:<64 hex>");
    }
  }

  private static String printable(String s) {
    return dev.sealbuild.formats.io.Printable.of(s);
  }
}

package dev.sealbuild.builder.inspect;

import dev.sealbuild.builder.output.OutputTarget;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.oci.Descriptor;
import dev.sealbuild.formats.oci.DockerArchiveManifest;
import dev.sealbuild.formats.oci.ImageConfig;
import dev.sealbuild.formats.oci.Index;
import dev.sealbuild.formats.oci.Manifest;
import dev.sealbuild.formats.oci.MediaType;
import dev.sealbuild.formats.oci.OciDocument;
import dev.sealbuild.formats.oci.OciFormatException;
import dev.sealbuild.formats.oci.OciLayout;
import dev.sealbuild.formats.oci.Platform;
import dev.sealbuild.formats.oci.PlatformImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import dev.sealbuild.formats.tar.TarReader;

/**
 * Reads an image someone hands us (untrusted): {@code oci:DIR[:TAG]}, {@code oci-archive:FILE[:TAG]} or
 * {@code docker-archive:FILE}. Archives are unpacked into a work directory under names that are checked first
 * (plain relative names, regular files only, bounded count and size), and every blob a manifest names is hashed
 * before it is used.
 */
public final class ImageReader {
  private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");
  private static final int MAX_ENTRIES = 100_000;
  private static final long MAX_JSON_BYTES = 8L << 20;

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
    if (!Files.isRegularFile(layout.resolve(OciLayout.INDEX_FILE))) {
      throw new ImageReadException(location + " is not an OCI image layout (no index.json)");
    }
    String indexWhat = location + " index.json";
    byte[] indexBytes = json(layout.resolve(OciLayout.INDEX_FILE), indexWhat);
    Index index = oci(() -> OciLayout.readIndex(indexBytes, indexWhat));
    List<Descriptor> images = new ArrayList<>();
    List<Descriptor> artifacts = new ArrayList<>();
    List<String> tags = new ArrayList<>();
    for (Descriptor m : index.manifests()) {
      if (m.artifactType() != null) {
        artifacts.add(m); // an OCI 1.1 referrer (SBOM, provenance) beside the image, not an image
        continue;
      }
      if (m.knownType().filter(t -> t.isIndex() || t.isManifest()).isEmpty()) {
        continue;
      }
      String name = m.annotations().get(OciLayout.REF_NAME);
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
    Descriptor top = images.get(0);
    OciDocument rootDoc = document(layout, top, location);
    List<StoredImage.StoredPlatform> platforms = new ArrayList<>();
    if (rootDoc instanceof Index rootIndex) {
      for (Descriptor entry : rootIndex.manifests()) {
        if (entry.platform() != null && entry.knownType().filter(MediaType::isManifest).isPresent()) {
          Manifest manifest = (Manifest) document(layout, entry, location);
          platforms.add(platformImage(layout, location, entry.platform(), entry, manifest));
        }
      }
    } else {
      platforms.add(platformImage(layout, location, null, top, (Manifest) rootDoc));
    }
    return new StoredImage(location, top.digest(), platforms, referrers(layout, location, top.digest(), artifacts));
  }

  private static List<StoredImage.Referrer> referrers(Path layout, String location, Sha256 root, List<Descriptor> artifacts)
      throws IOException {
    List<StoredImage.Referrer> referrers = new ArrayList<>();
    for (Descriptor a : artifacts) {
      if (!(document(layout, a, location) instanceof Manifest manifest) || manifest.subject() == null
          || !root.equals(manifest.subject().digest()) || manifest.layers().size() != 1) {
        continue;
      }
      Descriptor layer = manifest.layers().get(0);
      Path document = checkedBlob(layout, layer.digest(), layer.size(), location);
      referrers.add(new StoredImage.Referrer(manifest.artifactType() != null ? manifest.artifactType() : a.artifactType(),
          a.digest(), document));
    }
    return referrers;
  }

  private StoredImage.StoredPlatform platformImage(Path layout, String location, Platform platform,
      Descriptor manifestDescriptor, Manifest manifest) throws IOException {
    Descriptor configDescriptor = manifest.config();
    String what = location + " blob " + configDescriptor.digest();
    byte[] bytes = json(checkedBlob(layout, configDescriptor.digest(), configDescriptor.size(), location), what);
    ImageConfig config = oci(() -> ImageConfig.parse(bytes, what));
    List<Path> layerFiles = new ArrayList<>();
    for (Descriptor l : manifest.layers()) {
      layerFiles.add(checkedBlob(layout, l.digest(), l.size(), location));
    }
    PlatformImage image = oci(() -> new PlatformImage(platform != null ? platform : config.platform(), manifestDescriptor,
        manifest, config));
    return new StoredImage.StoredPlatform(image, layerFiles);
  }

  private StoredImage readDockerArchive(String location, Path dir) throws IOException {
    String what = location + " " + DockerArchiveManifest.FILE;
    byte[] manifestBytes = json(dir.resolve(DockerArchiveManifest.FILE), what);
    List<DockerArchiveManifest> manifest = oci(() -> DockerArchiveManifest.parse(manifestBytes, what));
    if (manifest.size() != 1) {
      throw new ImageReadException(location + " must hold exactly one image (manifest.json lists " + manifest.size() + ")");
    }
    DockerArchiveManifest entry = manifest.get(0);
    Path configFile = inside(dir, entry.config(), location);
    byte[] configBytes = json(configFile, location + " " + entry.config());
    ImageConfig config = oci(() -> ImageConfig.parse(configBytes, location + " " + entry.config()));
    List<Path> layerFiles = new ArrayList<>();
    List<Descriptor> layers = new ArrayList<>();
    for (String name : entry.layers()) {
      Path file = inside(dir, name, location);
      layerFiles.add(file);
      layers.add(Descriptor.of(MediaType.OCI_LAYER, Sha256.hash(file), Files.size(file)));
    }
    // docker save writes no image manifest: one is made from manifest.json's entry, as go-containerregistry does
    Manifest made = Manifest.image(Descriptor.of(MediaType.OCI_CONFIG, Sha256.hash(configBytes), configBytes.length),
        layers, Map.of());
    byte[] madeBytes = made.toBytes();
    PlatformImage image = new PlatformImage(config.platform(),
        Descriptor.of(MediaType.OCI_MANIFEST, Sha256.hash(madeBytes), madeBytes.length), made, config);
    return new StoredImage(location, null, List.of(new StoredImage.StoredPlatform(image, layerFiles)), List.of());
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

  /** The manifest or index {@code descriptor} points at, checked against its digest and size. */
  private static OciDocument document(Path layout, Descriptor descriptor, String location) throws IOException {
    String what = location + " blob " + descriptor.digest();
    byte[] bytes = json(checkedBlob(layout, descriptor.digest(), descriptor.size(), location), what);
    return oci(() -> OciDocument.parse(bytes, descriptor.mediaType(), what));
  }

  private static byte[] json(Path file, String what) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new ImageReadException(what + " is missing");
    }
    if (Files.size(file) > MAX_JSON_BYTES) {
      throw new ImageReadException(what + " is larger than " + MAX_JSON_BYTES + " bytes; refused");
    }
    return Files.readAllBytes(file);
  }

  /** OCI model errors (bad digest, not JSON, ambiguous document) as this reader's one-line error. */
  private static <T> T oci(java.util.function.Supplier<T> read) {
    try {
      return read.get();
    } catch (OciFormatException e) {
      throw new ImageReadException(e.getMessage());
    }
  }

  private static String printable(String s) {
    return dev.sealbuild.formats.io.Printable.of(s);
  }
}

package dev.sealbuild.builder.output;

import dev.sealbuild.builder.image.BuiltImage;
import dev.sealbuild.formats.oci.Descriptor;
import dev.sealbuild.formats.oci.DockerArchiveManifest;
import dev.sealbuild.formats.oci.MediaType;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.oci.Platform;
import dev.sealbuild.formats.oci.PlatformImage;
import dev.sealbuild.formats.UserError;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import dev.sealbuild.formats.compress.ArchiveFormat;
import dev.sealbuild.formats.compress.DecompressionLimits;
import dev.sealbuild.formats.compress.Decompressors;

/**
 * {@code docker-archive:FILE[:NAME:TAG]}: the {@code docker save} format ({@code manifest.json}, the config,
 * and each layer as an uncompressed tar named by its diff_id), one platform.
 */
public final class DockerArchiveWriter implements ImageWriter {
  private final long epoch;
  private final String defaultReference;
  private final Platform platform;

  public DockerArchiveWriter(long epoch, String defaultReference, Platform platform) {
    this.epoch = epoch;
    this.defaultReference = defaultReference;
    this.platform = platform;
  }

  @Override
  public void check(BuiltImage image, OutputTarget target) {
    choose(image);
  }

  @Override
  public void write(BuiltImage image, OutputTarget target, Map<String, String> annotations) throws IOException {
    BuiltImage.BuiltPlatform chosen = choose(image);
    PlatformImage chosenImage = chosen.image();
    String reference = target.reference() != null ? target.reference() : defaultReference;
    AtomicOutput.file(target.path(), tmp -> {
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 256 * 1024);
          DeterministicTar tar = new DeterministicTar(out, epoch)) {
        String configName = chosenImage.configDescriptor().digest().hex() + ".json";
        List<String> layerNames = new ArrayList<>();
        for (int i = 0; i < chosenImage.layers().size(); i++) {
          Descriptor layer = chosenImage.layers().get(i);
          Sha256 diffId = chosenImage.diffIds().get(i);
          String name = diffId.hex() + ".tar";
          if (!layerNames.contains(name)) {
            try (InputStream uncompressed = uncompressed(layer, Files.newInputStream(image.blob(layer.digest())))) {
              tar.file(name, chosen.uncompressedSizes().get(i), uncompressed);
            }
          }
          layerNames.add(name);
        }
        tar.file(configName, image.blob(chosenImage.configDescriptor().digest()));
        tar.file(DockerArchiveManifest.FILE, DockerArchiveManifest.toBytes(
            List.of(new DockerArchiveManifest(configName, List.of(withTag(reference)), layerNames))));
      }
    });
  }

  private BuiltImage.BuiltPlatform choose(BuiltImage image) {
    if (image.platforms().size() == 1) {
      return image.platforms().values().iterator().next();
    }
    if (platform == null) {
      throw new UserError("docker-archive holds one platform and this image has "
          + image.platforms().keySet() + "; choose one with --platform");
    }
    BuiltImage.BuiltPlatform p = image.platforms().get(platform);
    if (p == null) {
      throw new UserError("--platform " + platform + " is not built; the image has " + image.platforms().keySet());
    }
    return p;
  }

  static String withTag(String reference) {
    int slash = reference.lastIndexOf('/');
    int colon = reference.lastIndexOf(':');
    return colon > slash ? reference : reference + ":latest";
  }

  /** docker load wants plain tars; a layer reused from a base image may be stored plain, gzipped or zstd-compressed. */
  private static InputStream uncompressed(Descriptor layer, InputStream blob) throws IOException {
    String what = "layer " + layer.digest();
    return new Decompressors(DecompressionLimits.DEFAULT).open(MediaType.layer(layer.mediaType(), what).compression(), blob, what);
  }
}

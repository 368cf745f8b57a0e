package dev.sealbuild.cli;

import dev.sealbuild.prep.http.Transport;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.oci.Platform;
import dev.sealbuild.formats.oci.Descriptor;
import dev.sealbuild.formats.oci.OciLayout;
import dev.sealbuild.prep.registry.FetchedPlatform;
import dev.sealbuild.prep.registry.ImageReference;
import dev.sealbuild.prep.registry.RemoteRegistry;
import dev.sealbuild.prep.registry.RegistrySettings;
import dev.sealbuild.prep.registry.ResolvedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Pulls an image from a registry into an OCI layout (every blob verified on the way), for commands that read images. */
final class RegistryDownload {
  private final RegistrySettings settings;

  RegistryDownload(RegistrySettings settings) {
    this.settings = settings;
  }

  /** Returns the {@code oci:DIR:TAG} location of the pulled image. */
  String toLayout(String reference, List<Platform> platforms, Path dir) throws IOException {
    ImageReference ref = ImageReference.parse(reference);
    Path blobs = Files.createDirectories(dir.resolve("blobs/sha256"));
    try (Transport transport = Transport.fromEnvironment(settings.environment());
        RemoteRegistry registry = new RemoteRegistry(settings, transport)) {
      ResolvedImage resolved = registry.resolve(ref, platforms);
      write(blobs, resolved.root().digest(), resolved.rootBytes());
      for (FetchedPlatform fetched : resolved.images()) {
        write(blobs, fetched.image().digest(), fetched.manifestBytes());
        write(blobs, fetched.image().configDescriptor().digest(), fetched.configBytes());
        for (Descriptor layer : fetched.image().layers()) {
          Path target = blobs.resolve(layer.digest().hex());
          if (!Files.exists(target)) {
            try (OutputStream out = Files.newOutputStream(target)) {
              registry.fetchBlob(ref, layer.digest(), layer.size(), out);
            }
          }
        }
      }
      Descriptor root = resolved.root().bare().withAnnotations(Map.of(OciLayout.REF_NAME, "pulled"));
      Files.write(dir.resolve(OciLayout.LAYOUT_FILE), OciLayout.layoutFile());
      Files.write(dir.resolve(OciLayout.INDEX_FILE), OciLayout.indexJson(List.of(root)));
    }
    return "oci:" + dir + ":pulled";
  }

  private static void write(Path blobs, Sha256 digest, byte[] bytes) throws IOException {
    Files.write(blobs.resolve(digest.hex()), bytes);
  }
}

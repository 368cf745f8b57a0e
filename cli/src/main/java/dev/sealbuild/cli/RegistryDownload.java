package dev.sealbuild.cli;

import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.lockfiles.spec.Platform;
import dev.sealbuild.prep.registry.Descriptor;
import dev.sealbuild.prep.registry.ImageReference;
import dev.sealbuild.prep.registry.PlatformImage;
import dev.sealbuild.prep.registry.RemoteRegistry;
import dev.sealbuild.prep.registry.RegistrySettings;
import dev.sealbuild.prep.registry.ResolvedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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
    try (RemoteRegistry registry = new RemoteRegistry(settings)) {
      ResolvedImage resolved = registry.resolve(ref, platforms.stream()
          .map(p -> new dev.sealbuild.prep.registry.Platform(p.os(), p.architecture(), p.variant())).toList());
      write(blobs, resolved.root().digest(), resolved.rootBytes());
      for (PlatformImage image : resolved.images()) {
        write(blobs, image.manifest().digest(), image.manifestBytes());
        write(blobs, image.config().digest(), image.configBytes());
        for (Descriptor layer : image.layers()) {
          Path target = blobs.resolve(layer.digest().hex());
          if (!Files.exists(target)) {
            try (OutputStream out = Files.newOutputStream(target)) {
              registry.fetchBlob(ref, layer.digest(), layer.size(), out);
            }
          }
        }
      }
      Descriptor root = resolved.root();
      Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
      Files.writeString(dir.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"" + root.mediaType()
          + "\",\"digest\":\"" + root.digest() + "\",\"size\":" + root.size()
          + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"pulled\"}}]}", StandardCharsets.UTF_8);
    }
    return "oci:" + dir + ":pulled";
  }

  private static void write(Path blobs, Sha256 digest, byte[] bytes) throws IOException {
    Files.write(blobs.resolve(digest.hex()), bytes);
  }
}

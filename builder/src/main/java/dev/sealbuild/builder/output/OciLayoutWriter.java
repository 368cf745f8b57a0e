package dev.sealbuild.builder.output;

import dev.sealbuild.builder.image.BuiltImage;
import dev.sealbuild.formats.digest.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** {@code oci:DIR[:TAG]}: an OCI image layout directory, replaced as a whole. */
public final class OciLayoutWriter implements ImageWriter {
  @Override
  public void write(BuiltImage image, OutputTarget target, Map<String, String> annotations) throws IOException {
    AtomicOutput.directory(target.path(), dir -> {
      Path blobs = Files.createDirectories(dir.resolve("blobs").resolve("sha256"));
      for (Sha256 digest : image.blobs()) {
        Path to = blobs.resolve(digest.hex());
        try {
          Files.createLink(to, image.blob(digest));
        } catch (IOException | UnsupportedOperationException e) {
          Files.copy(image.blob(digest), to);
        }
      }
      Files.write(dir.resolve("oci-layout"), OciLayout.OCI_LAYOUT);
      Files.write(dir.resolve("index.json"), OciLayout.indexJson(image, target.reference(), annotations));
    });
  }
}

package dev.sealbuild.builder.output;

import dev.sealbuild.builder.image.BuiltImage;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.oci.OciLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code oci:DIR[:TAG]}: an OCI image layout directory, replaced as a whole. Every file is 0644 and every directory
 * 0755 whatever the umask and however a blob was staged (a hard link shares the staged file's mode), so another user
 * (rootless podman, skopeo, a web server) can read the layout.
 */
public final class OciLayoutWriter implements ImageWriter {
  @Override
  public void check(BuiltImage image, OutputTarget target) throws IOException {
    AtomicOutput.checkReplaceable(target.path());
  }

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
      Files.write(dir.resolve(OciLayout.LAYOUT_FILE), OciLayout.layoutFile());
      Files.write(dir.resolve(OciLayout.INDEX_FILE), LayoutIndex.indexJson(image, target.reference(), annotations));
      AtomicOutput.publishTree(dir);
    });
  }
}

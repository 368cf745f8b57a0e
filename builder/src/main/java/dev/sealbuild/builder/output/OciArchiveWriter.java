package dev.sealbuild.builder.output;

import dev.sealbuild.builder.image.BuiltImage;
import dev.sealbuild.formats.digest.Sha256;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.Map;
import java.util.TreeSet;

/** {@code oci-archive:FILE[:TAG]}: an OCI image layout in a tar file, entries in a fixed order. */
public final class OciArchiveWriter implements ImageWriter {
  private final long epoch;

  public OciArchiveWriter(long epoch) {
    this.epoch = epoch;
  }

  @Override
  public void write(BuiltImage image, OutputTarget target, Map<String, String> annotations) throws IOException {
    AtomicOutput.file(target.path(), tmp -> {
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 256 * 1024);
          DeterministicTar tar = new DeterministicTar(out, epoch)) {
        tar.directory("blobs");
        tar.directory("blobs/sha256");
        for (Sha256 digest : new TreeSet<>(image.blobs())) {
          tar.file("blobs/sha256/" + digest.hex(), image.blob(digest));
        }
        tar.file("index.json", OciLayout.indexJson(image, target.reference(), annotations));
        tar.file("oci-layout", OciLayout.OCI_LAYOUT);
      }
    });
  }
}

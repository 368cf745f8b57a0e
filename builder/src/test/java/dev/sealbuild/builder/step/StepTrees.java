package dev.sealbuild.builder.step;

import dev.sealbuild.builder.archive.ContentSpool;
import dev.sealbuild.builder.archive.IngestPolicy;
import dev.sealbuild.builder.archive.TarIngest;
import dev.sealbuild.builder.fs.EntryPath;
import dev.sealbuild.builder.fs.ImageTree;
import dev.sealbuild.builder.fs.Meta;
import dev.sealbuild.builder.fs.Node;
import dev.sealbuild.builder.source.LayerSource;
import dev.sealbuild.formats.compress.ArchiveFormat;
import dev.sealbuild.formats.compress.DecompressionLimits;
import dev.sealbuild.formats.compress.Decompressors;
import dev.sealbuild.testsupport.Fixtures;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Image trees for step tests: the real Alpine 3.20.3 minirootfs (busybox), plus files and links added in code. */
final class StepTrees {
  static final long EPOCH = 1_700_000_000L;
  static final String MINIROOTFS = "alpine/minirootfs/alpine-minirootfs-3.20.3-x86_64.tar.gz";

  private StepTrees() {}

  static ImageTree alpine(ContentSpool spool) throws IOException {
    ImageTree tree = new ImageTree("base", EPOCH, 100_000);
    try (InputStream raw = Files.newInputStream(Fixtures.file(MINIROOTFS))) {
      String label = "base rootfs alpine-minirootfs";
      new TarIngest(spool).ingest(new Decompressors(DecompressionLimits.DEFAULT).tarStream(raw,
          ArchiveFormat.TAR_GZIP, label), tree, IngestPolicy.rootfs(EPOCH, label));
    }
    return tree;
  }

  static void file(ImageTree tree, ContentSpool spool, String path, String text, int mode, long owner)
      throws IOException {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    tree.addFile(EntryPath.parse(path), new Meta(mode, owner, owner, EPOCH),
        spool.append(new ByteArrayInputStream(b), b.length, "test " + path));
  }

  static String text(Node node) throws IOException {
    return new String(((Node.RegularFile) node).content().readAll(), StandardCharsets.UTF_8);
  }

  /** A temporary input: files given by path and text, directories by a path ending in {@code /}. */
  static LayerSource files(ContentSpool spool, Map<String, String> files) {
    Map<String, String> copy = new LinkedHashMap<>(files);
    return new LayerSource() {
      @Override
      public String describe() {
        return "temporary files " + copy.keySet();
      }

      @Override
      public void addTo(ImageTree tree) throws IOException {
        for (Map.Entry<String, String> e : copy.entrySet()) {
          if (e.getKey().endsWith("/")) {
            tree.addDirectory(EntryPath.parse(e.getKey()), new Meta(0755, 0, 0, EPOCH));
            continue;
          }
          file(tree, spool, e.getKey(), e.getValue(), 0644, 0);
        }
      }

      @Override
      public Object fingerprint() {
        return copy;
      }
    };
  }

  static boolean noStepDirectoryLeft(Path work) throws IOException {
    try (var s = Files.list(work)) {
      return s.noneMatch(p -> p.getFileName().toString().startsWith("step-"));
    }
  }
}

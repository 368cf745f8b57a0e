package dev.sealbuild.builder.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sealbuild.builder.archive.ContentSpool;
import dev.sealbuild.builder.archive.IngestPolicy;
import dev.sealbuild.builder.archive.TarIngest;
import dev.sealbuild.builder.fs.EntryPath;
import dev.sealbuild.formats.HostileInputException;
import dev.sealbuild.builder.fs.ImageTree;
import dev.sealbuild.builder.fs.Meta;
import dev.sealbuild.builder.fs.Node;
import dev.sealbuild.builder.layer.LayerBlob;
import dev.sealbuild.builder.layer.LayerWriter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.function.Executable;

/**
 * One image being assembled for a test: a tree, a content spool in a scratch directory, ingest with the
 * real policies, and the current layer written by LayerWriter and read back.
 */
final class Fixture implements AutoCloseable {
  static final long EPOCH = 1_700_000_000L;
  static final String ROOTFS = "base rootfs hostile.tar";
  static final String EXTRACT = "files[0] pinned.tar";
  static final long OWNER = 1000;
  final Path work;
  final ContentSpool spool;
  final ImageTree tree;
  private int layersWritten;

  Fixture(Path work) throws IOException {
    this(work, 100_000);
  }

  Fixture(Path work, long maxImageEntries) throws IOException {
    this.work = work;
    this.spool = new ContentSpool(work);
    this.tree = new ImageTree("test base", EPOCH, maxImageEntries);
  }

  void rootfs(byte[] tar) throws IOException {
    ingest(new ByteArrayInputStream(tar), IngestPolicy.rootfs(EPOCH, ROOTFS));
  }

  /** As {@code files: extract} does: the destination directory first, then the archive confined to it. */
  void extract(String dest, byte[] tar) throws IOException {
    EntryPath destination = EntryPath.parse(dest);
    if (!destination.isRoot()) {
      tree.addDirectory(destination, new Meta(0755, OWNER, OWNER, EPOCH));
    }
    ingest(new ByteArrayInputStream(tar), IngestPolicy.extract(destination, OWNER, OWNER, EPOCH, EXTRACT));
  }

  void ingest(InputStream tarStream, IngestPolicy policy) throws IOException {
    new TarIngest(spool).ingest(tarStream, tree, policy);
  }

  void nextLayer() {
    tree.startLayer("next");
  }

  Node node(String path) {
    return tree.lookup(EntryPath.parse(path));
  }

  /** Every path the merged image holds, over all layers. */
  List<String> imagePaths() {
    List<String> paths = new ArrayList<>();
    tree.layers().forEach(l -> l.entries().keySet().forEach(p -> paths.add(p.value())));
    return paths;
  }

  String content(String path) throws IOException {
    Node n = node(path);
    if (!(n instanceof Node.RegularFile f)) {
      fail(path + " is not a regular file in the image: " + n);
      return null;
    }
    try (InputStream in = f.content().open()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  LayerBlob writeLayer() throws IOException {
    Path file = work.resolve("layer" + (layersWritten++) + ".tar.gz");
    return new LayerWriter(EPOCH).write(tree.currentLayer(), tree, file, "test");
  }

  /** The current layer as LayerWriter streams it, read back: name -> entry, in stream order. */
  Map<String, TarArchiveEntry> layerEntries() throws IOException {
    return readLayer(writeLayer().file());
  }

  static Map<String, TarArchiveEntry> readLayer(Path file) throws IOException {
    Map<String, TarArchiveEntry> entries = new LinkedHashMap<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(new GzipCompressorInputStream(Files.newInputStream(file)), "UTF-8")) {
      TarArchiveEntry e;
      while ((e = in.getNextEntry()) != null) {
        entries.put(e.getName(), e);
      }
    }
    return entries;
  }

  /**
   * Nothing was written on the host besides the content spool and the layers written on request: no entry of
   * any archive was extracted into the scratch directory the build works in.
   */
  void assertHostUntouched() throws IOException {
    try (Stream<Path> files = Files.list(work)) {
      files.forEach(p -> {
        String n = p.getFileName().toString();
        assertTrue(n.startsWith("spool") || n.matches("layer\\d+\\.tar\\.gz"), "unexpected file on the host: " + p);
      });
    }
  }

  /** See {@link dev.sealbuild.builder.testing.Refusals#refused}. */
  static String refused(Executable action, String... mustContain) {
    return dev.sealbuild.builder.testing.Refusals.refused(action, mustContain);
  }

  static void assertFileNode(Node n, String what) {
    assertTrue(n instanceof Node.RegularFile, what + " must be a regular file, is " + n);
  }

  static void assertSymlink(Node n, String target) {
    assertTrue(n instanceof Node.Symlink, "expected a symlink, got " + n);
    assertEquals(target, ((Node.Symlink) n).target());
  }

  @Override
  public void close() throws IOException {
    spool.close();
  }
}

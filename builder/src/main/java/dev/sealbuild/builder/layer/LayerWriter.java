package dev.sealbuild.builder.layer;

import dev.sealbuild.formats.compress.write.LayerCompressor;
import dev.sealbuild.formats.digest.DigestingOutputStream;
import dev.sealbuild.formats.oci.MediaType;
import dev.sealbuild.builder.fs.Content;
import dev.sealbuild.builder.fs.EntryPath;
import dev.sealbuild.builder.fs.ImageTree;
import dev.sealbuild.builder.fs.LayerTree;
import dev.sealbuild.builder.fs.Meta;
import dev.sealbuild.builder.fs.Node;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Streams a layer out of the image tree as a reproducible tar, compressed by a {@link LayerCompressor} (gzip or
 * zstd, the same bytes on every host and thread count): entries sorted by path with every parent directory
 * written first, numeric owners only (no user or group names), mtimes clamped to the build epoch, no atime or
 * ctime, PAX only where a name needs it. Files that share content are written once and hard-linked.
 */
public final class LayerWriter {
  /** Bumped whenever the tar this writes could change for the same tree. */
  private static final String VERSION = "layer-writer/2";
  private final long epoch;
  private final LayerCompressor compressor;

  public LayerWriter(long epoch, LayerCompressor compressor) {
    this.epoch = epoch;
    this.compressor = compressor;
  }

  /** gzip on every available processor. */
  public LayerWriter(long epoch) {
    this(epoch, LayerCompressor.gzip(LayerCompressor.defaultThreads()));
  }

  /**
   * Names everything besides the tree and epoch that the written bytes depend on (this writer's tar, the
   * compression, its library version and settings). Part of every layer-cache key, so a change in what this writer
   * produces must change this string.
   */
  public String identity() {
    return VERSION + " " + compressor.identity();
  }

  public LayerBlob write(LayerTree layer, ImageTree tree, Path file, String createdBy) throws IOException {
    DigestingOutputStream compressed;
    DigestingOutputStream uncompressed;
    try (OutputStream fileOut = new BufferedOutputStream(Files.newOutputStream(file), 256 * 1024)) {
      compressed = new DigestingOutputStream(fileOut);
      OutputStream packed = compressor.open(compressed);
      uncompressed = new DigestingOutputStream(new BufferedOutputStream(packed, 256 * 1024));
      try (TarArchiveOutputStream tar = new TarArchiveOutputStream(uncompressed, "UTF-8")) {
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        tar.setAddPaxHeadersForNonAsciiNames(true);
        writeEntries(withParents(layer, tree), tar);
        tar.finish();
      }
    }
    return new LayerBlob(file, compressed.digest(), compressed.count(), uncompressed.digest(), uncompressed.count(),
        MediaType.ociLayer(compressor.compression()).toString(), createdBy);
  }

  /**
   * The layer's entries, an empty {@code .wh.NAME} file for each path it deletes from the layers below (a build step's
   * deletions), and any ancestor directory it lacks, taken from the merged tree.
   */
  private NavigableMap<EntryPath, Node> withParents(LayerTree layer, ImageTree tree) {
    TreeMap<EntryPath, Node> all = new TreeMap<>(layer.entries());
    for (EntryPath deleted : layer.whiteouts()) {
      // One content each: whiteouts sharing one would be written as hard links of each other.
      all.put(deleted.parent().child(".wh." + deleted.name()),
          new Node.RegularFile(new Meta(0, 0, 0, epoch), new EmptyContent(deleted)));
    }
    for (EntryPath path : new java.util.ArrayList<>(all.keySet())) {
      for (EntryPath p = path.parent(); !p.isRoot() && !all.containsKey(p); p = p.parent()) {
        Node existing = tree.lookup(p);
        all.put(p, existing instanceof Node.Directory ? existing : new Node.Directory(new Meta(0755, 0, 0, epoch)));
      }
    }
    return all;
  }

  private void writeEntries(NavigableMap<EntryPath, Node> entries, TarArchiveOutputStream tar) throws IOException {
    Map<Content, EntryPath> written = new IdentityHashMap<>();
    byte[] buffer = new byte[256 * 1024];
    for (Map.Entry<EntryPath, Node> e : entries.entrySet()) {
      EntryPath path = e.getKey();
      Node node = e.getValue();
      TarArchiveEntry entry;
      Content content = null;
      if (node instanceof Node.Directory) {
        entry = new TarArchiveEntry(path.value() + "/", TarConstants.LF_DIR);
      } else if (node instanceof Node.Symlink link) {
        entry = new TarArchiveEntry(path.value(), TarConstants.LF_SYMLINK);
        entry.setLinkName(link.target());
      } else if (node instanceof Node.RegularFile file) {
        EntryPath first = written.get(file.content());
        if (first != null) {
          entry = new TarArchiveEntry(path.value(), TarConstants.LF_LINK);
          entry.setLinkName(first.value());
        } else {
          entry = new TarArchiveEntry(path.value(), TarConstants.LF_NORMAL);
          entry.setSize(file.content().size());
          content = file.content();
          written.put(content, path);
        }
      } else if (node instanceof Node.Special special) {
        byte flag = switch (special.kind()) {
          case CHAR_DEVICE -> TarConstants.LF_CHR;
          case BLOCK_DEVICE -> TarConstants.LF_BLK;
          case FIFO -> TarConstants.LF_FIFO;
        };
        entry = new TarArchiveEntry(path.value(), flag);
        entry.setDevMajor(special.devMajor());
        entry.setDevMinor(special.devMinor());
      } else {
        throw new IllegalStateException("unknown node " + node);
      }
      Meta meta = node.meta().clampMtime(epoch);
      entry.setMode(typeBits(node) | meta.mode());
      entry.setUserId(meta.uid());
      entry.setGroupId(meta.gid());
      entry.setUserName("");
      entry.setGroupName("");
      entry.setModTime(meta.mtime() * 1000L);
      tar.putArchiveEntry(entry);
      if (content != null) {
        copyExactly(content, tar, buffer);
      }
      tar.closeArchiveEntry();
    }
  }

  private static int typeBits(Node node) {
    if (node instanceof Node.Directory) {
      return 0040000;
    }
    if (node instanceof Node.Symlink) {
      return 0120000;
    }
    if (node instanceof Node.Special s) {
      return switch (s.kind()) {
        case CHAR_DEVICE -> 0020000;
        case BLOCK_DEVICE -> 0060000;
        case FIFO -> 0010000;
      };
    }
    return 0100000;
  }

  private static void copyExactly(Content content, OutputStream out, byte[] buffer) throws IOException {
    long remaining = content.size();
    try (InputStream in = content.open()) {
      while (remaining > 0) {
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
        if (n < 0) {
          throw new IOException(content.origin() + ": changed while the image was built (shorter than " + content.size() + " bytes)");
        }
        out.write(buffer, 0, n);
        remaining -= n;
      }
      if (in.read() >= 0) {
        throw new IOException(content.origin() + ": changed while the image was built (longer than " + content.size() + " bytes)");
      }
    }
  }

  private record EmptyContent(EntryPath deleted) implements Content {
    @Override
    public long size() {
      return 0;
    }

    @Override
    public InputStream open() {
      return InputStream.nullInputStream();
    }

    @Override
    public String origin() {
      return "whiteout of " + deleted;
    }
  }
}

package dev.sealbuild.builder.layer;

import dev.sealbuild.formats.digest.DigestingOutputStream;
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
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;

/**
 * Streams a layer out of the image tree as a reproducible tar.gz: entries sorted by path with every
 * parent directory written first, numeric owners only (no user or group names), mtimes clamped to the
 * build epoch, no atime or ctime, PAX only where a name needs it, and a gzip header with no name, time or
 * host OS. Files that share content are written once and hard-linked.
 */
public final class LayerWriter {
  private static final int GZIP_LEVEL = 6;
  private final long epoch;

  public LayerWriter(long epoch) {
    this.epoch = epoch;
  }

  /**
   * What, besides the tree, determines the bytes this writer produces: its format version and its compression. Part
   * of every layer-cache key, so a change here must change this string.
   */
  public String identity() {
    return "layer-writer/1 gzip level" + GZIP_LEVEL;
  }

  public LayerBlob write(LayerTree layer, ImageTree tree, Path file, String createdBy) throws IOException {
    GzipParameters gzip = new GzipParameters();
    gzip.setCompressionLevel(GZIP_LEVEL);
    gzip.setModificationTime(0);
    gzip.setOperatingSystem(255);
    DigestingOutputStream compressed;
    DigestingOutputStream uncompressed;
    try (OutputStream fileOut = new BufferedOutputStream(Files.newOutputStream(file), 256 * 1024)) {
      compressed = new DigestingOutputStream(fileOut);
      GzipCompressorOutputStream gz = new GzipCompressorOutputStream(compressed, gzip);
      uncompressed = new DigestingOutputStream(new BufferedOutputStream(gz, 256 * 1024));
      try (TarArchiveOutputStream tar = new TarArchiveOutputStream(uncompressed, "UTF-8")) {
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        tar.setAddPaxHeadersForNonAsciiNames(true);
        writeEntries(withParents(layer, tree), tar);
        tar.finish();
      }
    }
    return new LayerBlob(file, compressed.digest(), compressed.count(), uncompressed.digest(), uncompressed.count(),
        LayerBlob.OCI_TAR_GZIP, createdBy);
  }

  /** The layer's entries plus any ancestor directory it lacks, taken from the merged tree. */
  private NavigableMap<EntryPath, Node> withParents(LayerTree layer, ImageTree tree) {
    TreeMap<EntryPath, Node> all = new TreeMap<>(layer.entries());
    for (EntryPath path : layer.entries().keySet()) {
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
}

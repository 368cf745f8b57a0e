package dev.sealbuild.builder.archive;

import dev.sealbuild.formats.compress.DecompressionLimits;
import dev.sealbuild.formats.compress.MemberBounds;
import dev.sealbuild.builder.fs.Content;
import dev.sealbuild.builder.fs.EntryPath;
import dev.sealbuild.formats.HostileInputException;
import dev.sealbuild.formats.tar.Whiteout;
import dev.sealbuild.builder.fs.ImageTree;
import dev.sealbuild.builder.fs.Meta;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.utils.InputStreamStatistics;

/**
 * Reads a zip file (by its central directory) into the image tree, once {@link ZipConsistency} has found its entries
 * disjoint and described alike by the central directory and the local headers; each entry, and all of them together,
 * decompress within the same bounds as a compressed tar stream.
 */
public final class ZipIngest {
  private static final int MAX_LINK_TARGET = 4095;
  private final ContentSpool spool;
  private final DecompressionLimits limits;

  public ZipIngest(ContentSpool spool, DecompressionLimits limits) {
    this.spool = spool;
    this.limits = limits;
  }

  public void ingest(Path zipPath, ImageTree tree, IngestPolicy policy) throws IOException {
    String label = policy.label();
    try (ZipFile zip = open(zipPath, label)) {
      List<ZipArchiveEntry> entries = Collections.list(zip.getEntriesInPhysicalOrder());
      if (entries.size() > policy.maxEntries()) {
        throw new HostileInputException(label + ": more than " + policy.maxEntries() + " entries");
      }
      ZipConsistency.check(zipPath, entries, label);
      MemberBounds bounds = new MemberBounds(limits, label);
      for (ZipArchiveEntry entry : new ArrayList<>(entries)) {
        String member = label + ": entry '" + TarIngest.printable(entry.getName()) + "'";
        try {
          apply(zip, entry, tree, policy, bounds, member);
        } catch (HostileInputException e) {
          if (e.getMessage().startsWith(label)) {
            throw e; // a decompression bound, already naming the archive or the entry
          }
          throw new HostileInputException(member + ": " + e.getMessage());
        } catch (java.util.zip.ZipException e) {
          throw new HostileInputException(member + ": cannot be decompressed (" + reason(e) + ")");
        }
      }
    } catch (java.util.zip.ZipException e) {
      throw new HostileInputException(label + ": not a valid zip archive (" + reason(e) + ")");
    }
  }

  /**
   * Opens the zip by its central directory. commons-compress reports a damaged or cut-short directory as a bare
   * IOException ("Error reading Zip content from /path") around the real cause; that is the archive's fault, refused
   * here in words. The host's own errors (missing file, no permission) pass unchanged.
   */
  private static ZipFile open(Path zipPath, String label) throws IOException {
    try {
      return ZipFile.builder().setPath(zipPath).setCharset(StandardCharsets.UTF_8).get();
    } catch (java.nio.file.FileSystemException e) {
      throw e;
    } catch (IOException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      String why = cause instanceof java.io.EOFException ? "its central directory is cut short"
          : cause instanceof java.util.zip.ZipException z ? reason(z) : "its central directory is damaged";
      throw new HostileInputException(label + ": not a valid zip archive (" + why + ")");
    }
  }

  private static String reason(Exception e) {
    return e.getMessage() == null || e.getMessage().isBlank() ? "damaged data" : TarIngest.printable(e.getMessage());
  }

  private void apply(ZipFile zip, ZipArchiveEntry entry, ImageTree tree, IngestPolicy policy, MemberBounds bounds, String member)
      throws IOException {
    String raw = entry.getName();
    if (raw.startsWith("/")) {
      throw new HostileInputException("absolute path escapes the destination " + policy.destination());
    }
    EntryPath relative = EntryPath.parse(raw);
    for (String component : relative.components()) {
      if (Whiteout.isWhiteoutName(component)) {
        throw new HostileInputException("whiteout names (.wh.*) are not allowed in this archive");
      }
    }
    if (relative.isRoot()) {
      if (entry.isDirectory()) {
        return; // './' names the destination, which exists already
      }
      throw new HostileInputException("entry names the destination " + policy.destination() + " itself ('.', '/' or empty)");
    }
    EntryPath path = policy.destination().resolve(relative);
    EntryPath parent = tree.resolveParent(path);
    EntryPath dest = policy.destination();
    if (!(dest.isRoot() || parent.equals(dest) || parent.value().startsWith(dest.value() + "/"))) {
      throw new HostileInputException("resolves outside the destination " + dest + " through a symlink");
    }
    int unixMode = entry.getUnixMode() & 07777;
    long uid = policy.owner() == null ? 0 : policy.owner()[0];
    long gid = policy.owner() == null ? 0 : policy.owner()[1];
    if (entry.isDirectory()) {
      tree.addDirectory(path, new Meta(unixMode == 0 ? 0755 : unixMode, uid, gid, policy.epoch()));
      return;
    }
    try (InputStream decoded = zip.getInputStream(entry)) {
      if (!(decoded instanceof InputStreamStatistics statistics)) {
        throw new HostileInputException("compression method " + entry.getMethod() + " is not supported");
      }
      InputStream in = bounds.open(decoded, statistics::getCompressedCount, member);
      if (entry.isUnixSymlink()) {
        byte[] target = in.readNBytes(MAX_LINK_TARGET + 1);
        if (target.length > MAX_LINK_TARGET) {
          throw new HostileInputException("symlink target longer than " + MAX_LINK_TARGET + " bytes");
        }
        tree.addSymlink(path, new Meta(0777, uid, gid, policy.epoch()), new String(target, StandardCharsets.UTF_8));
        return;
      }
      long size = entry.getSize();
      if (size < 0) {
        throw new HostileInputException("entry does not declare its size");
      }
      if (size > limits.maxDecompressedBytes()) {
        throw new HostileInputException("declares " + size + " bytes, over the limit");
      }
      Content content = spool.append(in, size, policy.label() + ":" + relative);
      if (in.read() >= 0) {
        throw new HostileInputException("holds more bytes than its declared size");
      }
      tree.addFile(path, new Meta(unixMode == 0 ? 0644 : unixMode, uid, gid, policy.epoch()), content);
    }
  }
}

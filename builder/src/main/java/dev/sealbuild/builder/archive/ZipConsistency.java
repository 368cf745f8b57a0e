package dev.sealbuild.builder.archive;

import dev.sealbuild.formats.HostileInputException;
import dev.sealbuild.formats.io.Printable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveInputStream;
import org.apache.commons.io.input.CloseShieldInputStream;

/**
 * Refuses a zip whose entries share bytes (several entries reading one deflate stream is a bomb that no ratio check
 * sees, since each entry alone looks ordinary) or whose central directory and local headers describe an entry
 * differently (a streaming reader and a central-directory reader would then see different files).
 */
final class ZipConsistency {
  private ZipConsistency() {}

  /** {@code entries} in physical order (by local header offset), as {@code ZipFile} read them. */
  static void check(Path file, List<ZipArchiveEntry> entries, String label) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long fileSize = channel.size();
      ZipArchiveEntry previous = null;
      long previousEnd = 0;
      for (ZipArchiveEntry entry : entries) {
        long start = entry.getLocalHeaderOffset();
        long end = entry.getDataOffset() + entry.getCompressedSize();
        if (entry.getCompressedSize() < 0 || entry.getDataOffset() < start || end > fileSize) {
          throw refused(label, entry, "its data (offset " + entry.getDataOffset() + ", " + entry.getCompressedSize()
              + " bytes) lies outside the archive's " + fileSize + " bytes");
        }
        if (previous != null && start < previousEnd) {
          throw refused(label, entry, "its bytes overlap those of entry '" + Printable.of(previous.getName())
              + "' (entries sharing one compressed stream: a zip bomb, or a damaged archive)");
        }
        agreesWithLocalHeader(channel, entry, label);
        previous = entry;
        previousEnd = end;
      }
    }
  }

  private static void agreesWithLocalHeader(FileChannel channel, ZipArchiveEntry central, String label) throws IOException {
    long start = central.getLocalHeaderOffset();
    channel.position(start);
    InputStream at = CloseShieldInputStream.wrap(Channels.newInputStream(channel));
    try (ZipArchiveInputStream local = new ZipArchiveInputStream(at, StandardCharsets.UTF_8.name(), true, true)) {
      ZipArchiveEntry header = local.getNextEntry();
      if (header == null || header.getLocalHeaderOffset() != 0) {
        throw refused(label, central, "no local header at offset " + start + ", where the central directory points");
      }
      if (!Arrays.equals(header.getRawName(), central.getRawName())) {
        throw refused(label, central, "its local header names it '" + Printable.of(header.getName())
            + "'; the central directory and the local header must agree");
      }
      if (header.getMethod() != central.getMethod()) {
        throw disagree(label, central, "compression method", header.getMethod(), central.getMethod());
      }
      if (!header.getGeneralPurposeBit().usesDataDescriptor()) {
        if (header.getCompressedSize() != central.getCompressedSize()) {
          throw disagree(label, central, "compressed size", header.getCompressedSize(), central.getCompressedSize());
        }
        if (header.getSize() != central.getSize()) {
          throw disagree(label, central, "size", header.getSize(), central.getSize());
        }
      }
      if (start + header.getDataOffset() != central.getDataOffset()) {
        throw disagree(label, central, "data offset", start + header.getDataOffset(), central.getDataOffset());
      }
    } catch (java.util.zip.ZipException e) {
      throw refused(label, central, "no valid local header at offset " + start + ", where the central directory points");
    }
  }

  private static HostileInputException disagree(String label, ZipArchiveEntry entry, String what, long local, long central) {
    return refused(label, entry, "its local header says " + what + " " + local + ", the central directory " + central
        + "; they must agree");
  }

  private static HostileInputException refused(String label, ZipArchiveEntry entry, String reason) {
    return new HostileInputException(label + ": entry '" + Printable.of(entry.getName()) + "': " + reason);
  }
}

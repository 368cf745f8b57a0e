package dev.sealbuild.builder.inspect;

import dev.sealbuild.builder.archive.ArchiveFormat;
import dev.sealbuild.builder.archive.DecompressionLimits;
import dev.sealbuild.builder.archive.Decompressors;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Walks the entries of a layer blob someone hands us: decompressed as its media type declares (bounded), at most
 * {@link #MAX_ENTRIES} entries, each name normalized (no leading {@code ./} or {@code /}, no trailing {@code /}).
 */
public final class LayerEntries {
  public static final long MAX_ENTRIES = 2_000_000;

  /** Sees one entry; {@code data} is its content, readable until the visitor returns. */
  public interface Visitor {
    void entry(String path, TarArchiveEntry entry, InputStream data) throws IOException;
  }

  private LayerEntries() {}

  public static void forEach(Path blob, String mediaType, String label, DecompressionLimits limits, Visitor visitor) throws IOException {
    ArchiveFormat format;
    try {
      format = ArchiveFormat.ofLayer(mediaType);
    } catch (IllegalArgumentException e) {
      throw new ImageReadException(label + ": " + e.getMessage());
    }
    long count = 0;
    try (InputStream raw = Files.newInputStream(blob);
         TarArchiveInputStream tar = new TarArchiveInputStream(new Decompressors(limits).tarStream(raw, format, label), "UTF-8")) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        if (++count > MAX_ENTRIES) {
          throw new ImageReadException(label + " has more than " + MAX_ENTRIES + " entries");
        }
        String path = normalize(e.getName());
        if (!path.isEmpty() && !path.equals(".")) {
          visitor.entry(path, e, tar);
        }
      }
    }
  }

  public static String normalize(String name) {
    return name.replaceFirst("^(\\./|/)+", "").replaceFirst("/+$", "");
  }
}

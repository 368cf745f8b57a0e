package dev.sealbuild.builder.inspect;

import dev.sealbuild.formats.compress.ArchiveFormat;
import dev.sealbuild.formats.compress.DecompressionLimits;
import dev.sealbuild.formats.compress.Decompressors;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import dev.sealbuild.formats.tar.TarReader;

/**
 * Walks the entries of a layer blob someone hands us: decompressed as its media type declares (bounded), headers
 * bounded and names decoded strictly ({@link TarReader}), at most {@link #MAX_ENTRIES} entries, each name
 * normalized (no leading {@code ./} or {@code /}, no trailing {@code /}).
 */
public final class LayerEntries {
  public static final long MAX_ENTRIES = 2_000_000;

  /**
   * Sees one entry: its normalized path, its link target as decoded from the headers (empty when none) and its
   * content {@code data}, readable until the visitor returns.
   */
  public interface Visitor {
    void entry(String path, String linkName, TarArchiveEntry entry, InputStream data) throws IOException;
  }

  private LayerEntries() {}

  public static void forEach(Path blob, String mediaType, String label, DecompressionLimits limits, Visitor visitor) throws IOException {
    ArchiveFormat format;
    try {
      format = ArchiveFormat.ofLayer(mediaType);
    } catch (IllegalArgumentException e) {
      throw new ImageReadException(label + ": " + e.getMessage());
    }
    try (InputStream raw = Files.newInputStream(blob)) {
      TarReader reader = new TarReader(new Decompressors(limits).tarStream(raw, format, label), label, MAX_ENTRIES);
      for (TarReader.Entry e = reader.next(); e != null; e = reader.next()) {
        String path = normalize(e.name());
        if (!path.isEmpty() && !path.equals(".")) {
          visitor.entry(path, e.linkName(), e.header(), reader.data());
        }
      }
    }
  }

  public static String normalize(String name) {
    return name.replaceFirst("^(\\./|/)+", "").replaceFirst("/+$", "");
  }
}

package dev.sealbuild.prep.packages;

import dev.sealbuild.formats.HostileInputException;
import dev.sealbuild.formats.compress.ArchiveFormat;
import dev.sealbuild.formats.compress.DecompressionLimits;
import dev.sealbuild.formats.compress.Decompressors;
import dev.sealbuild.formats.tar.TarReader;
import dev.sealbuild.formats.tar.Whiteout;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Reads an Alpine root filesystem tarball's package database ({@code lib/apk/db/installed} and
 * {@code etc/apk/world}) for the resolver: what the base already has is not installed again. Only those
 * two files are read, each bounded; nothing is extracted.
 */
public final class BaseApkDatabase {
  private static final int MAX_FILE = 16 << 20;

  private BaseApkDatabase() {}

  /** Null when the tarball holds no apk database (not an Alpine root filesystem). */
  public static AlpineLocker.Transport.BaseDatabase read(InputStream raw, String fileName) throws IOException {
    String label = "base rootfs " + fileName;
    InputStream in;
    try {
      in = new Decompressors(DecompressionLimits.DEFAULT).tarStream(raw, ArchiveFormat.fromName(fileName), label);
    } catch (IllegalArgumentException e) {
      throw new PackageException(label + ": " + e.getMessage());
    }
    String[] found = new String[2];
    scan(in, label, found, false);
    return found[0] == null ? null : new AlpineLocker.Transport.BaseDatabase(found[0], found[1]);
  }

  /** One base image layer: a way to open its tar stream (already decompressed) and a name for messages. */
  public record Layer(String label, LayerOpener opener) {}

  /** Opens a layer's decompressed tar stream. */
  public interface LayerOpener {
    InputStream open() throws IOException;
  }

  /**
   * The database of a base image, read through its layers from the bottom up: a later layer's copy replaces an
   * earlier one, and an OCI whiteout of either file (or of a directory above it) removes it. Null when there is none.
   */
  public static AlpineLocker.Transport.BaseDatabase readLayers(java.util.List<Layer> layers) throws IOException {
    String[] found = new String[2];
    for (Layer layer : layers) {
      try (InputStream in = layer.opener().open()) {
        scan(in, layer.label(), found, true);
      }
    }
    return found[0] == null ? null : new AlpineLocker.Transport.BaseDatabase(found[0], found[1]);
  }

  private static final String[] FILES = {"lib/apk/db/installed", "etc/apk/world"};

  /**
   * Reads the two files from one tar stream into {@code found}; with {@code whiteouts} (an image layer), a whiteout
   * of either file, or of a directory above it, removes what the layers below left (not this layer's own copy).
   */
  private static void scan(InputStream in, String label, String[] found, boolean whiteouts) throws IOException {
    TarReader tar = new TarReader(in, label);
    boolean[] own = new boolean[FILES.length];
    TarReader.Entry e;
    while ((e = tar.next()) != null) {
      String name = e.name().replaceFirst("^(\\./|/)+", "").replaceFirst("/+$", "");
      if (whiteouts) {
        Optional<Whiteout> whiteout;
        try {
          whiteout = Whiteout.of(name, e.isRegularFile(), e.header().getSize());
        } catch (HostileInputException bad) {
          throw new PackageException(label + ": entry '" + name + "': " + bad.getMessage());
        }
        if (whiteout.isPresent()) {
          for (int i = 0; i < FILES.length; i++) {
            if (!own[i] && whiteout.get().hides(FILES[i])) {
              found[i] = null;
            }
          }
          continue;
        }
      }
      int which = java.util.Arrays.asList(FILES).indexOf(name);
      if (!e.isRegularFile() || which < 0) {
        continue;
      }
      if (e.header().getSize() > MAX_FILE) {
        throw new PackageException(label + ": " + name + " is larger than " + MAX_FILE + " bytes");
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      tar.data().transferTo(out);
      found[which] = out.toString(StandardCharsets.UTF_8);
      own[which] = true;
    }
  }
}

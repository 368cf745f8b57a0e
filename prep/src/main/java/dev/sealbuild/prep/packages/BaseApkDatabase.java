package dev.sealbuild.prep.packages;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.tukaani.xz.XZInputStream;

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
    String n = fileName.toLowerCase(Locale.ROOT);
    InputStream in = n.endsWith(".gz") || n.endsWith(".tgz") ? new GzipCompressorInputStream(raw, true)
        : n.endsWith(".xz") || n.endsWith(".txz") ? new XZInputStream(raw, 256 * 1024) : raw;
    String[] found = new String[2];
    scan(in, "base rootfs " + fileName, found);
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
        scan(in, layer.label(), found);
      }
    }
    return found[0] == null ? null : new AlpineLocker.Transport.BaseDatabase(found[0], found[1]);
  }

  private static final String[] FILES = {"lib/apk/db/installed", "etc/apk/world"};

  private static void scan(InputStream in, String label, String[] found) throws IOException {
    TarArchiveInputStream tar = new TarArchiveInputStream(in, "UTF-8");
    TarArchiveEntry e;
    while ((e = tar.getNextEntry()) != null) {
      String name = e.getName().replaceFirst("^(\\./|/)+", "").replaceFirst("/+$", "");
      for (int i = 0; i < FILES.length; i++) {
        if (removes(name, FILES[i])) {
          found[i] = null;
        }
      }
      int which = java.util.Arrays.asList(FILES).indexOf(name);
      // commons-compress's isFile() is true for symlinks and devices too: only a regular file holds a database.
      boolean regular = e.getLinkFlag() == TarConstants.LF_NORMAL || e.getLinkFlag() == TarConstants.LF_OLDNORM;
      if (!regular || which < 0) {
        continue;
      }
      if (e.getSize() > MAX_FILE) {
        throw new PackageException(label + ": " + name + " is larger than " + MAX_FILE + " bytes");
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      tar.transferTo(out);
      found[which] = out.toString(StandardCharsets.UTF_8);
    }
  }

  /** True when layer entry {@code name} is a whiteout of {@code file} or of a directory holding it, or makes its directory opaque. */
  private static boolean removes(String name, String file) {
    int slash = name.lastIndexOf('/');
    String dir = slash < 0 ? "" : name.substring(0, slash + 1);
    String base = name.substring(slash + 1);
    if (base.equals(".wh..wh..opq")) {
      return file.startsWith(dir) && !dir.isEmpty();
    }
    if (!base.startsWith(".wh.")) {
      return false;
    }
    String target = dir + base.substring(4);
    return file.equals(target) || file.startsWith(target + "/");
  }
}

package dev.sealbuild.prep.packages;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
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
    String installed = null;
    String world = null;
    try (TarArchiveInputStream tar = new TarArchiveInputStream(in, "UTF-8")) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        String name = e.getName().replaceFirst("^(\\./|/)+", "");
        if (!e.isFile() || !(name.equals("lib/apk/db/installed") || name.equals("etc/apk/world"))) {
          continue;
        }
        if (e.getSize() > MAX_FILE) {
          throw new PackageException("base rootfs " + fileName + ": " + name + " is larger than " + MAX_FILE + " bytes");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        tar.transferTo(out);
        if (name.equals("lib/apk/db/installed")) {
          installed = out.toString(StandardCharsets.UTF_8);
        } else {
          world = out.toString(StandardCharsets.UTF_8);
        }
      }
    }
    return installed == null ? null : new AlpineLocker.Transport.BaseDatabase(installed, world);
  }
}

package dev.sealbuild.builder.inspect;

import dev.sealbuild.builder.archive.ArchiveFormat;
import dev.sealbuild.builder.archive.DecompressionLimits;
import dev.sealbuild.builder.archive.Decompressors;
import dev.sealbuild.builder.io.Printable;
import dev.sealbuild.lockfiles.digest.Sha256;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * What one platform of an image holds once its layers are stacked (whiteouts and opaque directories applied):
 * every path with its type, bytes' digest, link target, mode and owner, and the packages its package databases
 * list (dpkg's {@code status} and {@code status.d}, apk's {@code installed}).
 */
public record ImageContents(Map<String, Entry> files, Map<String, String> packages) {
  private static final long MAX_DATABASE_BYTES = 64L << 20;
  private static final long MAX_ENTRIES = 2_000_000;

  /** One path: {@code type} as {@code file}, {@code dir}, {@code symlink}, {@code hardlink}, {@code device} or {@code fifo}. */
  public record Entry(String type, Sha256 sha256, String link, int mode, long uid, long gid) {
    public String describe() {
      return String.format("%s %04o %d:%d%s%s", type, mode, uid, gid, sha256 == null ? "" : " " + sha256,
          link == null || link.isEmpty() ? "" : " -> " + Printable.of(link));
    }
  }

  public static ImageContents of(StoredImage.PlatformImage image, DecompressionLimits limits) throws IOException {
    Map<String, Entry> files = new TreeMap<>();
    Map<String, byte[]> databases = new TreeMap<>();
    long count = 0;
    for (int i = 0; i < image.layers().size(); i++) {
      StoredImage.Layer layer = image.layers().get(i);
      String label = image.platform() + " layer " + (i + 1) + " (" + layer.digest() + ")";
      ArchiveFormat format = layer.mediaType().endsWith("gzip") ? ArchiveFormat.TAR_GZIP
          : layer.mediaType().endsWith("zstd") ? ArchiveFormat.TAR_ZSTD : ArchiveFormat.TAR;
      try (InputStream raw = Files.newInputStream(layer.file());
           TarArchiveInputStream tar = new TarArchiveInputStream(new Decompressors(limits).tarStream(raw, format, label), "UTF-8")) {
        TarArchiveEntry e;
        while ((e = tar.getNextEntry()) != null) {
          if (++count > MAX_ENTRIES) {
            throw new ImageReadException(label + ": more than " + MAX_ENTRIES + " entries");
          }
          String path = e.getName().replaceFirst("^(\\./|/)+", "").replaceFirst("/+$", "");
          if (path.isEmpty() || path.equals(".")) {
            continue;
          }
          int slash = path.lastIndexOf('/');
          String dir = slash < 0 ? "" : path.substring(0, slash + 1);
          String name = path.substring(slash + 1);
          if (name.equals(".wh..wh..opq")) {
            files.keySet().removeIf(p -> p.startsWith(dir) && !p.equals(dir));
            databases.keySet().removeIf(p -> p.startsWith(dir));
            continue;
          }
          if (name.startsWith(".wh.")) {
            String gone = dir + name.substring(4);
            files.keySet().removeIf(p -> p.equals(gone) || p.startsWith(gone + "/"));
            databases.keySet().removeIf(p -> p.equals(gone) || p.startsWith(gone + "/"));
            continue;
          }
          Sha256 sha = null;
          String type = e.isDirectory() ? "dir" : e.isSymbolicLink() ? "symlink" : e.isLink() ? "hardlink"
              : e.isCharacterDevice() || e.isBlockDevice() ? "device" : e.isFIFO() ? "fifo" : "file";
          if (type.equals("file")) {
            if (isDatabase(path) && e.getSize() <= MAX_DATABASE_BYTES) {
              ByteArrayOutputStream bytes = new ByteArrayOutputStream();
              tar.transferTo(bytes);
              databases.put(path, bytes.toByteArray());
              sha = Sha256.hash(bytes.toByteArray());
            } else {
              sha = Sha256.hash(tar);
            }
          } else if (type.equals("hardlink")) {
            Entry target = files.get(e.getLinkName().replaceFirst("^(\\./|/)+", ""));
            sha = target == null ? null : target.sha256();
            type = "file";
          }
          if (!type.equals("dir") || !files.containsKey(path) || !files.get(path).type().equals("dir")) {
            files.keySet().removeIf(p -> p.startsWith(path + "/"));
          }
          files.put(path, new Entry(type, sha, e.isSymbolicLink() ? e.getLinkName() : null, e.getMode() & 07777,
              e.getLongUserId(), e.getLongGroupId()));
        }
      }
    }
    return new ImageContents(files, packages(databases));
  }

  private static boolean isDatabase(String path) {
    return path.equals("var/lib/dpkg/status") || path.startsWith("var/lib/dpkg/status.d/") || path.equals("lib/apk/db/installed");
  }

  /** name (architecture) -> version, from every package database found. */
  private static Map<String, String> packages(Map<String, byte[]> databases) {
    Map<String, String> packages = new TreeMap<>();
    for (Map.Entry<String, byte[]> db : databases.entrySet()) {
      boolean apk = db.getKey().equals("lib/apk/db/installed");
      if (db.getKey().startsWith("var/lib/dpkg/status.d/") && db.getKey().contains(".")) {
        continue; // md5sums and other per-package side files
      }
      for (String stanza : new String(db.getValue(), StandardCharsets.UTF_8).split("\n\\s*\n")) {
        String name = null;
        String version = null;
        String arch = null;
        boolean installed = true;
        for (String line : stanza.split("\n")) {
          if (apk) {
            if (line.startsWith("P:")) {
              name = line.substring(2);
            } else if (line.startsWith("V:")) {
              version = line.substring(2);
            } else if (line.startsWith("A:")) {
              arch = line.substring(2);
            }
          } else if (line.startsWith("Package:")) {
            name = line.substring(8).strip();
          } else if (line.startsWith("Version:")) {
            version = line.substring(8).strip();
          } else if (line.startsWith("Architecture:")) {
            arch = line.substring(13).strip();
          } else if (line.startsWith("Status:")) {
            installed = line.contains(" installed");
          }
        }
        if (name != null && version != null && installed) {
          packages.put(name + (arch == null ? "" : " (" + arch + ")"), version);
        }
      }
    }
    return packages;
  }

  /** Lists the keys of {@code a} and {@code b} together, sorted. */
  static List<String> union(Map<String, ?> a, Map<String, ?> b) {
    TreeMap<String, Object> all = new TreeMap<>(a);
    all.putAll(b);
    return new ArrayList<>(all.keySet());
  }
}

package dev.sealbuild.builder.inspect;

import dev.sealbuild.formats.apk.ApkRecords;
import dev.sealbuild.formats.deb822.Deb822Reader;
import dev.sealbuild.formats.deb822.Deb822Stanza;
import dev.sealbuild.formats.compress.DecompressionLimits;
import dev.sealbuild.formats.HostileInputException;
import dev.sealbuild.formats.io.Printable;
import dev.sealbuild.formats.tar.TarReader;
import dev.sealbuild.formats.tar.Whiteout;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.oci.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/**
 * What one platform of an image holds once its layers are stacked (whiteouts and opaque directories applied):
 * every path with its type, bytes' digest, link target, mode and owner, and the packages its package databases
 * list (dpkg's {@code status} and {@code status.d}, apk's {@code installed}), with those databases' bytes by path.
 */
public record ImageContents(Map<String, Entry> files, Map<String, String> packages, Map<String, byte[]> databases) {
  private static final long MAX_DATABASE_BYTES = 64L << 20;

  /** One path: {@code type} as {@code file}, {@code dir}, {@code symlink}, {@code hardlink}, {@code device} or {@code fifo}. */
  public record Entry(String type, Sha256 sha256, String link, int mode, long uid, long gid) {
    public String describe() {
      return String.format("%s %04o %d:%d%s%s", type, mode, uid, gid, sha256 == null ? "" : " " + sha256,
          link == null || link.isEmpty() ? "" : " -> " + Printable.of(link));
    }
  }

  public static ImageContents of(StoredImage.StoredPlatform image, DecompressionLimits limits) throws IOException {
    return of(image.platform(), image.layers(), limits);
  }

  /** The contents of {@code layers} (lowest first) stacked; {@code platform} names them in errors. */
  public static ImageContents of(Platform platform, List<StoredImage.Layer> layers, DecompressionLimits limits)
      throws IOException {
    Map<String, Entry> files = new TreeMap<>();
    Map<String, byte[]> databases = new TreeMap<>();
    for (int i = 0; i < layers.size(); i++) {
      StoredImage.Layer layer = layers.get(i);
      String label = platform + " layer " + (i + 1) + " (" + layer.digest() + ")";
      Set<String> ownEntries = new HashSet<>();
      LayerEntries.forEach(layer.file(), layer.mediaType(), label, limits, (path, link, e, data) -> {
        try {
          apply(path, link, e, data, files, databases, ownEntries);
        } catch (HostileInputException bad) {
          throw new ImageReadException(label + ": entry '" + Printable.of(path) + "': " + bad.getMessage());
        }
      });
    }
    return new ImageContents(files, packages(databases), databases);
  }

  /**
   * Stacks one layer entry onto what the layers below left: whiteouts remove what the layers below hold (not this
   * layer's own entries, {@code own}), anything else replaces.
   */
  private static void apply(String path, String link, TarArchiveEntry e, InputStream data, Map<String, Entry> files,
      Map<String, byte[]> databases, Set<String> own)
      throws IOException {
    Optional<Whiteout> whiteout = Whiteout.of(path, TarReader.isRegularFile(e), e.getSize());
    if (whiteout.isPresent()) {
      files.keySet().removeIf(p -> whiteout.get().hides(p) && !own.contains(p));
      databases.keySet().removeIf(p -> whiteout.get().hides(p) && !own.contains(p));
      return;
    }
    own.add(path);
    Sha256 sha = null;
    String type = e.isDirectory() ? "dir" : e.isSymbolicLink() ? "symlink" : e.isLink() ? "hardlink"
        : e.isCharacterDevice() || e.isBlockDevice() ? "device" : e.isFIFO() ? "fifo" : "file";
    if (type.equals("file")) {
      if (isDatabase(path) && e.getSize() <= MAX_DATABASE_BYTES) {
        byte[] bytes = data.readAllBytes();
        databases.put(path, bytes);
        sha = Sha256.hash(bytes);
      } else {
        sha = Sha256.hash(data);
      }
    } else if (type.equals("hardlink")) {
      Entry target = files.get(LayerEntries.normalize(link));
      sha = target == null ? null : target.sha256();
      type = "file";
    }
    if (!type.equals("dir") || !files.containsKey(path) || !files.get(path).type().equals("dir")) {
      files.keySet().removeIf(p -> p.startsWith(path + "/"));
    }
    files.put(path, new Entry(type, sha, e.isSymbolicLink() ? link : null, e.getMode() & 07777,
        e.getLongUserId(), e.getLongGroupId()));
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
      String text = new String(db.getValue(), StandardCharsets.UTF_8);
      if (apk) {
        for (ApkRecords.Record r : ApkRecords.parse(text, db.getKey())) {
          add(packages, r.last('P'), r.last('V'), r.last('A'), true);
        }
      } else {
        for (Deb822Stanza s : Deb822Reader.parseAll(text, db.getKey(), Deb822Reader.Syntax.STRICT)) {
          String status = s.folded("status");
          add(packages, s.folded("package"), s.folded("version"), s.folded("architecture"),
              status == null || (" " + status).contains(" installed"));
        }
      }
    }
    return packages;
  }

  private static void add(Map<String, String> packages, String name, String version, String arch, boolean installed) {
    if (name != null && version != null && installed) {
      packages.put(name + (arch == null ? "" : " (" + arch + ")"), version);
    }
  }

  /** Lists the keys of {@code a} and {@code b} together, sorted. */
  static List<String> union(Map<String, ?> a, Map<String, ?> b) {
    TreeMap<String, Object> all = new TreeMap<>(a);
    all.putAll(b);
    return new ArrayList<>(all.keySet());
  }
}

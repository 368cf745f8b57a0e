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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Collects a few small files from a base (a root filesystem tarball, or an image's layers from the bottom up) in one
 * pass, without extracting anything: package databases, {@code /etc/os-release}, apt or apk sources and keys. Each file
 * is bounded, and so is their sum. In image layers a later copy replaces an earlier one and an OCI whiteout of a file (or
 * of a directory above it) removes what the layers below left. Symbolic links among the wanted paths are kept so that
 * {@link Found#get} can follow them (Debian's {@code /etc/os-release} is a link to {@code ../usr/lib/os-release}).
 */
public final class BaseFiles {
  public static final int MAX_FILE = 16 << 20;
  public static final long MAX_TOTAL = 64L << 20;

  private BaseFiles() {}

  /** Reads the files a base holds for the package lockers; null when a dry run finds the base not cached. */
  public interface Reader {
    Found read(LockedBase base, dev.sealbuild.formats.oci.Platform platform, boolean mayDownload) throws IOException;
  }

  /**
   * Everything the package lockers read from a base, collected in one pass: os-release, apt and apk sources and keys,
   * and the dpkg and apk databases.
   */
  public static final Predicate<String> PACKAGE_FILES = p -> BaseApkDatabase.FILES.test(p) || BaseRepositories.FILES.test(p)
      || BaseDpkgDatabase.FILES.test(p);

  /** One base image layer: a way to open its tar stream (already decompressed) and a name for messages. */
  public record Layer(String label, LayerOpener opener) {}

  /** Opens a layer's decompressed tar stream. */
  public interface LayerOpener {
    InputStream open() throws IOException;
  }

  /** The wanted files of a base, by path without a leading slash ({@code etc/os-release}); {@code label} names the base. */
  public record Found(String label, Map<String, byte[]> files, Map<String, String> links) {
    public Found {
      files = new TreeMap<>(files);
      links = new TreeMap<>(links);
    }

    /** The file at {@code path}, following symbolic links among the collected paths (up to 16). */
    public Optional<byte[]> get(String path) {
      String p = normalize(path);
      for (int hops = 0; hops < 16 && p != null; hops++) {
        byte[] bytes = files.get(p);
        if (bytes != null) {
          return Optional.of(bytes);
        }
        String target = links.get(p);
        if (target == null) {
          return Optional.empty();
        }
        p = target.startsWith("/") ? normalize(target) : normalize(parent(p) + "/" + target);
      }
      return Optional.empty();
    }

    /** The paths of the regular files (or links) directly in {@code dir} whose names end with one of {@code suffixes}, sorted. */
    public List<String> list(String dir, String... suffixes) {
      String prefix = normalize(dir) + "/";
      Set<String> names = new java.util.TreeSet<>();
      for (String p : files.keySet()) {
        add(p, prefix, suffixes, names);
      }
      for (String p : links.keySet()) {
        add(p, prefix, suffixes, names);
      }
      return List.copyOf(names);
    }

    private static void add(String p, String prefix, String[] suffixes, Set<String> names) {
      if (!p.startsWith(prefix) || p.indexOf('/', prefix.length()) >= 0) {
        return;
      }
      for (String suffix : suffixes) {
        if (p.endsWith(suffix)) {
          names.add(p);
          return;
        }
      }
    }

    private static String parent(String p) {
      int slash = p.lastIndexOf('/');
      return slash < 0 ? "" : p.substring(0, slash);
    }
  }

  /** A path without leading {@code /} or {@code ./}, trailing slash, {@code .} and with {@code ..} applied; null if it climbs out. */
  static String normalize(String path) {
    List<String> parts = new ArrayList<>();
    for (String part : path.split("/+")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (!parts.isEmpty()) {
          parts.remove(parts.size() - 1);
        }
        continue;
      }
      parts.add(part);
    }
    return String.join("/", parts);
  }

  /** Reads a root filesystem tarball (compressed or not, by its file name). */
  public static Found readRootfs(InputStream raw, String fileName, Predicate<String> wanted) throws IOException {
    String label = "base rootfs " + fileName;
    InputStream in;
    try {
      in = new Decompressors(DecompressionLimits.DEFAULT).tarStream(raw, ArchiveFormat.fromName(fileName), label);
    } catch (IllegalArgumentException e) {
      throw new PackageException(label + ": " + e.getMessage());
    }
    State state = new State(label);
    scan(in, label, wanted, state, false);
    return state.found();
  }

  /** Reads an image's layers, bottom first; {@code label} names the image in messages. */
  public static Found readLayers(String label, List<Layer> layers, Predicate<String> wanted) throws IOException {
    State state = new State(label);
    for (Layer layer : layers) {
      try (InputStream in = layer.opener().open()) {
        scan(in, layer.label(), wanted, state, true);
      }
    }
    return state.found();
  }

  private static final class State {
    final String label;
    final Map<String, byte[]> files = new TreeMap<>();
    final Map<String, String> links = new TreeMap<>();
    long total;

    State(String label) {
      this.label = label;
    }

    Found found() {
      return new Found(label, files, links);
    }
  }

  private static void scan(InputStream in, String label, Predicate<String> wanted, State state, boolean whiteouts)
      throws IOException {
    TarReader tar = new TarReader(in, label);
    Set<String> own = new HashSet<>();
    TarReader.Entry e;
    while ((e = tar.next()) != null) {
      String name = normalize(e.name());
      if (whiteouts) {
        Optional<Whiteout> whiteout;
        try {
          whiteout = Whiteout.of(name, e.isRegularFile(), e.header().getSize());
        } catch (HostileInputException bad) {
          throw new PackageException(label + ": entry '" + name + "': " + bad.getMessage());
        }
        if (whiteout.isPresent()) {
          Whiteout w = whiteout.get();
          state.files.keySet().removeIf(p -> !own.contains(p) && w.hides(p));
          state.links.keySet().removeIf(p -> !own.contains(p) && w.hides(p));
          continue;
        }
      }
      if (!wanted.test(name)) {
        continue;
      }
      if (e.header().isSymbolicLink()) {
        state.files.remove(name);
        state.links.put(name, e.linkName());
        own.add(name);
        continue;
      }
      if (!e.isRegularFile()) {
        continue;
      }
      if (e.header().getSize() > MAX_FILE) {
        throw new PackageException(label + ": /" + name + " is larger than " + MAX_FILE + " bytes");
      }
      state.total += e.header().getSize();
      if (state.total > MAX_TOTAL) {
        throw new PackageException(label + ": the package database and sources files add up to more than " + MAX_TOTAL + " bytes");
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      tar.data().transferTo(out);
      state.links.remove(name);
      state.files.put(name, out.toByteArray());
      own.add(name);
    }
  }
}

package dev.sealbuild.prep.push;

import dev.sealbuild.formats.HostileInputException;
import dev.sealbuild.formats.tar.TarReader;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;

/**
 * An OCI image layout inside a tar file ({@code oci-archive:FILE}), read in place: nothing is extracted. The
 * archive's headers are checked once before use (entry count, names, only files and directories), then entries are
 * read by random access.
 */
final class ArchiveStore implements LayoutStore {
  static final int MAX_ENTRIES = 100_000;
  static final int MAX_NAME_LENGTH = 4096;

  private final Path file;
  private final TarFile tar;
  private final Map<String, TarArchiveEntry> files;

  private ArchiveStore(Path file, TarFile tar, Map<String, TarArchiveEntry> files) {
    this.file = file;
    this.tar = tar;
    this.files = files;
  }

  static ArchiveStore open(Path file) {
    String label = "oci-archive:" + file;
    if (!Files.isRegularFile(file)) {
      throw new PushException(label + ": no such file (build one with build image -o oci-archive:FILE:TAG)");
    }
    try {
      scanHeaders(file, label);
      TarFile tar = new TarFile(file);
      try {
        Map<String, TarArchiveEntry> files = new HashMap<>();
        for (TarArchiveEntry entry : tar.getEntries()) {
          String name = checkedName(entry, label);
          if (entry.isDirectory()) {
            continue;
          }
          if (files.put(name, entry) != null) {
            throw new PushException(label + ": entry " + name + " appears twice: refusing an ambiguous archive");
          }
        }
        return new ArchiveStore(file, tar, files);
      } catch (RuntimeException e) {
        tar.close();
        throw e;
      }
    } catch (IOException e) {
      throw new PushException(label + ": not a readable tar archive (" + e.getMessage() + ")", e);
    }
  }

  /** Counts entries and checks names before anything keeps a list of them. */
  private static void scanHeaders(Path file, String label) throws IOException {
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 64 * 1024)) {
      TarReader in = new TarReader(raw, label, MAX_ENTRIES);
      for (TarReader.Entry entry = in.next(); entry != null; entry = in.next()) {
        checkedName(entry.header(), label);
      }
    } catch (HostileInputException e) {
      throw new PushException(e.getMessage() + ": not an OCI archive this tool reads");
    }
  }

  /** The entry's name without a leading {@code ./}; refuses absolute names, {@code ..} and anything but files and directories. */
  private static String checkedName(TarArchiveEntry entry, String label) {
    String raw = entry.getName();
    String shown = raw.length() > 200 ? raw.substring(0, 200) + "..." : raw;
    if (raw.isEmpty() || raw.length() > MAX_NAME_LENGTH || raw.indexOf('\0') >= 0 || raw.startsWith("/")) {
      throw new PushException(label + ": entry '" + shown + "' has an unusable name: refused");
    }
    String name = raw;
    while (name.startsWith("./")) {
      name = name.substring(2);
    }
    if (name.endsWith("/")) {
      name = name.substring(0, name.length() - 1);
    }
    for (String part : name.split("/", -1)) {
      if (part.equals("..")) {
        throw new PushException(label + ": entry '" + shown + "' climbs out with '..': refused");
      }
    }
    byte type = entry.getLinkFlag();
    if (!entry.isDirectory() && (!TarReader.isRegularFile(entry) || entry.isSparse())) {
      throw new PushException(label + ": entry '" + shown + "' is not a regular file or directory (type '" + (char) type
          + "'): an OCI archive holds only those");
    }
    return name;
  }

  @Override
  public OptionalLong size(String name) {
    TarArchiveEntry entry = files.get(name);
    return entry == null ? OptionalLong.empty() : OptionalLong.of(entry.getSize());
  }

  @Override
  public InputStream open(String name) throws IOException {
    TarArchiveEntry entry = files.get(name);
    if (entry == null) {
      throw new java.nio.file.NoSuchFileException(label() + ": " + name);
    }
    return tar.getInputStream(entry);
  }

  @Override
  public String label() {
    return "oci-archive:" + file;
  }

  @Override
  public void close() throws IOException {
    tar.close();
  }
}

package dev.sealbuild.builder.apk;

import dev.sealbuild.formats.apk.PkgInfo;
import dev.sealbuild.formats.tar.TarReader;
import dev.sealbuild.formats.HostileInputException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * apk's store of package scripts ({@code /lib/apk/db/scripts.tar}): one executable entry per script, named
 * {@code <name>-<version>.<Q1 checksum>.<type>}, dated with the package's build time. Scripts are kept
 * here, never run.
 */
final class ScriptsTar {
  static final int MAX_ENTRIES = 100_000;
  private final List<Script> scripts = new ArrayList<>();

  private record Script(String name, long mtime, byte[] bytes) {}

  /** Keeps the entries of an existing scripts.tar (the base's), in their order. */
  void addExisting(byte[] tar, long epoch) throws IOException {
    TarReader in = new TarReader(new ByteArrayInputStream(tar), "the image's /lib/apk/db/scripts.tar");
    TarReader.Entry e;
    while ((e = in.next()) != null) {
      if (!e.isRegularFile()) {
        continue;
      }
      if (scripts.size() >= MAX_ENTRIES) {
        throw new HostileInputException("the image's /lib/apk/db/scripts.tar has more than " + MAX_ENTRIES + " entries");
      }
      TarArchiveEntry header = e.header();
      long mtime = header.getLastModifiedDate() == null ? 0 : Math.max(0, header.getLastModifiedDate().getTime() / 1000);
      scripts.add(new Script(e.name(), Math.min(mtime, epoch), in.data().readNBytes((int) header.getSize())));
    }
  }

  /** Drops the entries of the packages with these control checksums (packages removed from the database). */
  void dropPackages(java.util.Set<String> checksums) {
    scripts.removeIf(s -> checksums.contains(checksumOf(s.name())));
  }

  private static String checksumOf(String name) {
    int typeDot = name.lastIndexOf('.');
    int checksumDot = typeDot <= 0 ? -1 : name.lastIndexOf('.', typeDot - 1);
    return checksumDot < 0 ? "" : name.substring(checksumDot + 1, typeDot);
  }

  void add(PkgInfo info, String checksum, String type, byte[] script, long epoch) {
    long built = info.get("builddate").matches("[0-9]{1,12}") ? Long.parseLong(info.get("builddate")) : 0;
    scripts.add(new Script(info.name() + "-" + info.version() + "." + checksum + "." + type, Math.min(built, epoch), script));
  }

  /**
   * Orders the scripts as apk rewrites the store: by package, in the order of the installed database
   * ({@code checksums}, the stanzas' C: fields), then by script type. Entries of no listed package stay last.
   */
  void sortBy(List<String> checksums) {
    scripts.sort(java.util.Comparator.comparingInt((Script s) -> rank(checksums, s.name())).thenComparingInt(s -> typeRank(s.name())));
  }

  /** Index of the entry's package: its name is {@code <name>-<version>.<checksum>.<type>}. */
  private static int rank(List<String> checksums, String name) {
    int typeDot = name.lastIndexOf('.');
    int checksumDot = typeDot <= 0 ? -1 : name.lastIndexOf('.', typeDot - 1);
    int i = checksumDot < 0 ? -1 : checksums.indexOf(name.substring(checksumDot + 1, typeDot));
    return i < 0 ? Integer.MAX_VALUE : i;
  }

  private static int typeRank(String name) {
    int i = ApkArchive.SCRIPT_TYPES.indexOf(name.substring(name.lastIndexOf('.') + 1));
    return i < 0 ? Integer.MAX_VALUE : i;
  }

  byte[] write() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    // 512-byte records: the archive ends with its two zero blocks and no further padding, as apk writes it.
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out, 512, StandardCharsets.UTF_8.name())) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Script s : scripts) {
        TarArchiveEntry e = new TarArchiveEntry(s.name());
        e.setMode(0100755);
        e.setSize(s.bytes().length);
        e.setUserId(0);
        e.setGroupId(0);
        e.setUserName("root");
        e.setGroupName("root");
        e.setModTime(s.mtime() * 1000L);
        tar.putArchiveEntry(e);
        tar.write(s.bytes());
        tar.closeArchiveEntry();
      }
      tar.finish();
    }
    return out.toByteArray();
  }
}

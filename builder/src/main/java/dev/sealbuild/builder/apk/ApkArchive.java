package dev.sealbuild.builder.apk;

import dev.sealbuild.formats.apk.PkgInfo;
import dev.sealbuild.formats.tar.TarReader;
import dev.sealbuild.formats.compress.ArchiveFormat;
import dev.sealbuild.builder.archive.ContentSpool;
import dev.sealbuild.formats.compress.Decompressors;
import dev.sealbuild.builder.archive.IngestPolicy;
import dev.sealbuild.builder.archive.TarIngest;
import dev.sealbuild.builder.io.NamedReadErrors;
import dev.sealbuild.builder.fs.EntryPath;
import dev.sealbuild.formats.HostileInputException;
import dev.sealbuild.builder.fs.ImageTree;
import dev.sealbuild.builder.fs.Meta;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/**
 * Reads an {@code .apk} (v2) as apk does: its gzip members (signature, control, data) are one tar stream
 * whose entries at the top level named {@code .*} are package metadata ({@code .SIGN.*}, {@code .PKGINFO},
 * scripts) and come first; everything after is data, placed in the image tree as packaged. Each placed
 * entry is recorded with the owner, mode and {@code APK-TOOLS.checksum.SHA1} apk keeps in its database.
 */
final class ApkArchive {
  static final String CHECKSUM_KEY = "APK-TOOLS.checksum.SHA1";
  private static final int MAX_SCRIPT_BYTES = 1 << 20;
  /** In apk's order (enum apk_script_type): scripts.tar lists them so. */
  static final List<String> SCRIPT_TYPES =
      List.of("pre-install", "post-install", "pre-deinstall", "post-deinstall", "pre-upgrade", "post-upgrade", "trigger");

  /** One data entry as apk records it: directory or not, owner and mode, and the Q1 checksum if any. */
  record DbEntry(EntryPath path, boolean directory, int mode, long uid, long gid, String checksum) {}

  /** What installing a package left to record: its .PKGINFO, scripts by type, data entries in archive order. */
  record Installed(PkgInfo info, Map<String, byte[]> scripts, List<DbEntry> entries) {}

  private final Decompressors decompressors;
  private final ContentSpool spool;
  private final ImageAccounts accounts;

  ApkArchive(Decompressors decompressors, ContentSpool spool, ImageAccounts accounts) {
    this.decompressors = decompressors;
    this.spool = spool;
    this.accounts = accounts;
  }

  /** Installs the package's data into the tree; files other packages own are settled by {@code owners}. */
  Installed install(InputStream apk, ImageTree tree, long epoch, String label, FileOwners owners) throws IOException {
    Reader reader = new Reader(label, owners, false);
    ingest(apk, tree, epoch, label, reader);
    return new Installed(reader.info, reader.scripts, reader.entries);
  }

  /** Reads only as far as the .PKGINFO (the start of the package): enough to plan the install order. */
  PkgInfo readInfo(InputStream apk, ImageTree tree, long epoch, String label) throws IOException {
    Reader reader = new Reader(label, null, true);
    try {
      ingest(apk, tree, epoch, label, reader);
    } catch (StopReading stop) {
      // the first data entry: all metadata has been read
    }
    return reader.info;
  }

  private void ingest(InputStream apk, ImageTree tree, long epoch, String label, Reader reader) throws IOException {
    InputStream tar = new NamedReadErrors(decompressors.tarStream(apk, ArchiveFormat.TAR_GZIP, label), label, "; run build prep");
    new TarIngest(spool).ingest(tar, tree, IngestPolicy.packageData(epoch, label), reader);
    if (reader.info == null) {
      throw new HostileInputException(label + ": no .PKGINFO (not an apk package, or an empty one)");
    }
  }

  /** Ends a metadata-only read; not an error, so TarIngest passes it through untouched. */
  private static final class StopReading extends RuntimeException {
    StopReading() {
      super(null, null, false, false);
    }
  }

  private final class Reader implements TarIngest.EntryHook {
    private final String label;
    private PkgInfo info;
    private boolean sawData;
    private final Map<String, byte[]> scripts = new TreeMap<>((a, b) -> SCRIPT_TYPES.indexOf(a) - SCRIPT_TYPES.indexOf(b));
    private final List<DbEntry> entries = new ArrayList<>();
    private final Map<EntryPath, String> checksums = new HashMap<>();
    private final java.util.Set<EntryPath> directories = new java.util.HashSet<>();

    private final FileOwners owners;
    private final boolean metadataOnly;

    Reader(String label, FileOwners owners, boolean metadataOnly) {
      this.label = label;
      this.owners = owners;
      this.metadataOnly = metadataOnly;
    }

    @Override
    public boolean take(String name, String linkName, TarArchiveEntry entry, InputStream data) throws IOException {
      EntryPath path = EntryPath.parse(name);
      String first = path.isRoot() ? "" : path.components().get(0);
      if (!first.startsWith(".")) {
        if (info == null) {
          throw new HostileInputException("data comes before the package's .PKGINFO");
        }
        if (metadataOnly) {
          throw new StopReading();
        }
        sawData = true;
        if (entry.isDirectory()) {
          directories.add(path);
          return false;
        }
        if (!path.parent().isRoot() && !directories.contains(path.parent())) {
          throw new HostileInputException("no directory entry for " + path.parent() + " before it in the package; apk refuses such packages");
        }
        return owners.claim(path, info) == FileOwners.Decision.SKIP;
      }
      if (sawData) {
        throw new HostileInputException("package metadata in the data segment; refusing (.PKGINFO, .SIGN.* and scripts belong in the control segment)");
      }
      if (path.components().size() != 1 || !TarReader.isRegularFile(entry)) {
        throw new HostileInputException("package metadata must be a regular file at the top level");
      }
      if (first.equals(".PKGINFO")) {
        if (info != null) {
          throw new HostileInputException("a second .PKGINFO");
        }
        info = PkgInfo.parse(text(entry, data, PkgInfo.MAX_BYTES));
        if (owners != null) {
          owners.add(info);
        }
      } else if (SCRIPT_TYPES.contains(first.substring(1))) {
        if (scripts.put(first.substring(1), bytes(entry, data, MAX_SCRIPT_BYTES)) != null) {
          throw new HostileInputException("a second " + first + " script");
        }
      }
      // .SIGN.* was checked by build prep; other metadata apk ignores too.
      return true;
    }

    @Override
    public Meta meta(TarArchiveEntry entry, Meta packaged) {
      // As apk: owners by name as the image's own passwd and group files know them, else the number.
      return new Meta(packaged.mode(), accounts.uid(entry.getUserName(), packaged.uid()),
          accounts.gid(entry.getGroupName(), packaged.gid()), packaged.mtime());
    }

    @Override
    public void placed(String name, String linkName, TarArchiveEntry entry, Meta meta) {
      EntryPath path = EntryPath.parse(name);
      if (path.isRoot()) {
        return;
      }
      String checksum = checksum(entry.getExtraPaxHeaders().get(CHECKSUM_KEY));
      if (entry.isLink()) {
        // apk records a hard link with the checksum of the file it links to.
        checksum = checksums.getOrDefault(EntryPath.parse(linkName), checksum);
      }
      if (checksum != null) {
        checksums.put(path, checksum);
      }
      boolean directory = entry.isDirectory();
      entries.add(new DbEntry(path, directory, meta.mode(), meta.uid(), meta.gid(), directory ? null : checksum));
    }

    private String checksum(String hex) {
      if (hex == null) {
        return null;
      }
      if (!hex.matches("[0-9a-fA-F]{40}")) {
        throw new HostileInputException(CHECKSUM_KEY + " '" + ApkText.printable(hex) + "' is not a hex SHA-1");
      }
      return "Q1" + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(hex));
    }
  }

  private static String text(TarArchiveEntry entry, InputStream data, int max) throws IOException {
    return new String(bytes(entry, data, max), StandardCharsets.UTF_8);
  }

  private static byte[] bytes(TarArchiveEntry entry, InputStream data, int max) throws IOException {
    if (entry.getSize() > max) {
      throw new HostileInputException("larger than " + max + " bytes");
    }
    byte[] bytes = data.readNBytes((int) entry.getSize());
    if (bytes.length != entry.getSize()) {
      throw new IOException("archive ends inside this entry (truncated)");
    }
    return bytes;
  }
}

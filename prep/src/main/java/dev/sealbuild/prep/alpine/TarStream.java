package dev.sealbuild.prep.alpine;

import dev.sealbuild.formats.io.BulkInputStream;
import dev.sealbuild.formats.HostileInputException;
import dev.sealbuild.formats.tar.TarReader;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/**
 * The tar streams inside .apk files and APKINDEX.tar.gz, read through the one guarded reader ({@link TarReader}:
 * header blocks bounded, names decoded strictly, entries counted, header checksums verified) as apk sees them. A
 * stream may end with the two zero blocks of a full archive or simply at a block boundary (the "cut" tars abuild
 * writes for signature and control streams). Errors are {@link ApkException}s naming the stream.
 */
final class TarStream {
  static final int BLOCK = 512;

  /** One archive member; {@code type} is the ustar type flag, with '7' and NUL folded into '0'. */
  record Entry(String name, char type, int mode, long uid, long gid, long size, long mtime, String linkName,
               Map<String, String> pax) {
    boolean isRegular() {
      return type == '0';
    }
  }

  private final InputStream in;
  private final TarReader reader;
  private final String source;
  private final int maxNameBytes;

  TarStream(InputStream in, String source, int maxEntries, int maxNameBytes) {
    this.in = in;
    this.reader = TarReader.cutAllowed(in, source, maxEntries);
    this.source = source;
    this.maxNameBytes = maxNameBytes;
  }

  /** A reader bounded by {@code limits}; {@code source} names the stream in error messages. */
  static TarStream of(InputStream in, String source, ApkLimits limits) {
    return new TarStream(in, source, limits.maxEntries(), limits.maxNameBytes());
  }

  /** True if the archive ended with zero blocks rather than at the end of its stream. */
  boolean endMarkerSeen() {
    return reader.endMarkerSeen();
  }

  /** The next entry, or null at the end; unread content of the previous entry is skipped. */
  Entry next() throws IOException {
    TarReader.Entry e;
    try {
      e = reader.next();
    } catch (HostileInputException ex) {
      throw new ApkException(ex.getMessage());
    }
    if (e == null) {
      return null;
    }
    TarArchiveEntry header = e.header();
    char type = (char) (header.getLinkFlag() & 0xff);
    char normalized = (type == '\0' || type == '7') ? '0' : type;
    if ("0123456".indexOf(normalized) < 0) {
      throw new ApkException(source + ": unsupported tar entry type '" + Texts.abbreviate(String.valueOf(type)) + "'");
    }
    String name = e.name();
    if (name.isEmpty()) {
      throw new ApkException(source + ": tar entry with an empty name");
    }
    if (name.length() > maxNameBytes || e.linkName().length() > maxNameBytes) {
      throw new ApkException(source + ": tar entry name or link target longer than " + maxNameBytes + " bytes");
    }
    if (name.indexOf('\0') >= 0 || e.linkName().indexOf('\0') >= 0) {
      throw new ApkException(source + ": NUL in the name or link target of tar entry '" + Texts.abbreviate(name) + "'");
    }
    if (header.getSize() < 0) {
      throw new ApkException(source + ": negative tar size");
    }
    if (normalized != '0' && header.getSize() != 0) {
      throw new ApkException(source + ": non-regular tar entry '" + Texts.abbreviate(name) + "' carries data");
    }
    long mtime = header.getLastModifiedDate() == null ? 0 : Math.floorDiv(header.getLastModifiedDate().getTime(), 1000);
    return new Entry(name, normalized, header.getMode() & 07777, header.getLongUserId(), header.getLongGroupId(),
        header.getSize(), mtime, e.linkName(), Map.copyOf(header.getExtraPaxHeaders()));
  }

  /** The content of the current entry (regular files only), bounded by its size. */
  InputStream content() {
    return new BulkInputStream() {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        try {
          return reader.data().read(b, off, len);
        } catch (IOException e) {
          throw new ApkException(source + ": archive is truncated inside an entry");
        }
      }
    };
  }

  /** After the end marker, everything left must be zero padding. */
  void requireOnlyPaddingLeft() throws IOException {
    byte[] block = new byte[BLOCK];
    int n;
    while ((n = in.read(block)) > 0) {
      for (int i = 0; i < n; i++) {
        if (block[i] != 0) {
          throw new ApkException(source + ": data after the end of the tar archive");
        }
      }
    }
  }
}

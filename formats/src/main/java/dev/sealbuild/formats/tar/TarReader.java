package dev.sealbuild.formats.tar;

import dev.sealbuild.formats.HostileInputException;
import dev.sealbuild.formats.io.Printable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Reads the entries of an untrusted tar stream: headers bounded in size (PAX and GNU long-name records included),
 * names and link targets decoded strictly as GNU tar would use them, at most {@code maxEntries} entries, and an
 * archive that ends without its end-of-archive marker refused. Every error names {@code label}.
 */
public final class TarReader {
  /** One entry: its name and link target as decoded from the headers, and the header commons-compress parsed. */
  public record Entry(String name, String linkName, TarArchiveEntry header) {
    /** True for a regular file only, told by the type flag (see {@link TarReader#isRegularFile}). */
    public boolean isRegularFile() {
      return TarReader.isRegularFile(header);
    }
  }

  /** Entries one archive may hold unless the caller says otherwise, repeated names included. */
  public static final long MAX_ENTRIES = 2_000_000;

  private final TarHeaderGuard guard;
  private final boolean cutAllowed;
  private boolean endMarkerSeen;
  private final TarArchiveInputStream tar;
  private final String label;
  private final long maxEntries;
  private long count;
  private String previous;

  public TarReader(InputStream tarStream, String label) {
    this(tarStream, label, MAX_ENTRIES);
  }

  public TarReader(InputStream tarStream, String label, long maxEntries) {
    this(tarStream, label, maxEntries, false);
  }

  private TarReader(InputStream tarStream, String label, long maxEntries, boolean cutAllowed) {
    this.guard = new TarHeaderGuard(tarStream, label);
    this.cutAllowed = cutAllowed;
    // ISO-8859-1 keeps the bytes of header names as they are; TarHeaderChain decodes them strictly. 512-byte
    // blocks: nothing past the end-of-archive marker is read, so a caller can check what follows it.
    this.tar = new TarArchiveInputStream(guard, TarHeaderChain.BLOCK, TarHeaderChain.BLOCK, StandardCharsets.ISO_8859_1.name());
    this.label = label;
    this.maxEntries = maxEntries;
  }

  /**
   * A reader that also accepts a "cut" tar: one that ends right after an entry, where the next header would start,
   * without the end-of-archive marker (abuild writes the signature and control streams of an .apk so).
   * {@link #endMarkerSeen()} tells which way the archive ended.
   */
  public static TarReader cutAllowed(InputStream tarStream, String label, long maxEntries) {
    return new TarReader(tarStream, label, maxEntries, true);
  }

  /** Whether the archive ended with its end-of-archive marker (false while reading, or for a cut tar). */
  public boolean endMarkerSeen() {
    return endMarkerSeen;
  }

  /** The next entry, or null at the end of the archive. */
  public Entry next() throws IOException {
    if (previous != null) {
      // What the caller left unread of the last entry is read here, so the guard sees only the next headers.
      try {
        tar.transferTo(OutputStream.nullOutputStream());
      } catch (IllegalArgumentException | IOException e) {
        throw new HostileInputException(label + ": not a valid tar archive: entry '" + Printable.of(previous)
            + "' is cut short (" + e.getMessage() + ")");
      }
    }
    guard.startHeader();
    TarArchiveEntry entry;
    try {
      entry = tar.getNextEntry();
    } catch (IllegalArgumentException | IOException e) {
      throw new HostileInputException(label + ": not a valid tar archive"
          + (previous == null ? "" : " after entry '" + Printable.of(previous) + "'") + " (" + e.getMessage() + ")");
    }
    TarHeaderChain chain;
    try {
      chain = guard.endHeader();
    } catch (HostileInputException e) {
      throw new HostileInputException(label + ": headers of " + which(entry) + ": " + e.getMessage());
    }
    if (entry == null) {
      endMarkerSeen = chain.endOfArchive();
      if (!chain.endOfArchive() && !(cutAllowed && guard.nothingAfterPadding())) {
        throw new HostileInputException(label + ": archive ends without its end-of-archive marker"
            + (previous == null ? "" : " after entry '" + Printable.of(previous) + "'") + " (truncated, or not a tar archive)");
      }
      return null;
    }
    if (!chain.complete() || chain.finalType() != entry.getLinkFlag()) {
      throw new HostileInputException(label + ": headers of " + which(entry)
          + " are inconsistent (a GNU long-name or PAX header not where a tar reader expects it)");
    }
    if (++count > maxEntries) {
      throw new HostileInputException(label + ": more than " + maxEntries + " entries");
    }
    try {
      Entry next = new Entry(chain.name(entry), chain.linkName(entry), entry);
      previous = next.name();
      return next;
    } catch (HostileInputException e) {
      throw new HostileInputException(label + ": " + e.getMessage());
    }
  }

  /**
   * True for a regular file's entry only. commons-compress's {@code isFile()} also says true for symlinks, hard
   * links, devices and FIFOs, so the type flag is checked instead.
   */
  public static boolean isRegularFile(TarArchiveEntry entry) {
    byte flag = entry.getLinkFlag();
    return flag == TarConstants.LF_NORMAL || flag == TarConstants.LF_OLDNORM || flag == TarConstants.LF_CONTIG;
  }

  /** The current entry's data. */
  public TarArchiveInputStream data() {
    return tar;
  }

  private String which(TarArchiveEntry entry) {
    if (entry != null) {
      return "entry '" + TarHeaderChain.escape(entry.getName().getBytes(StandardCharsets.ISO_8859_1)) + "'";
    }
    return previous == null ? "the first entry" : "the entry after '" + Printable.of(previous) + "'";
  }
}

package dev.sealbuild.formats.tar;

import dev.sealbuild.formats.HostileInputException;
import dev.sealbuild.formats.text.StrictUtf8;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/**
 * The headers that precede one tar entry, parsed from their raw bytes: PAX records (local and global), GNU
 * long names and the final ustar block. It settles which name is used the way GNU tar does (a PAX
 * {@code path} wins over a GNU long name whatever their order, which commons-compress gets wrong when the
 * long name comes first), decodes names as strict UTF-8 instead of replacing bad bytes, and refuses
 * malformed or ambiguous records that commons-compress lets through.
 *
 * @param endOfArchive the reader stopped at an all-zero block, the end-of-archive marker
 * @param complete a final entry header was found (false for a stream cut inside the headers)
 * @param finalType type flag of the final header
 */
record TarHeaderChain(
    boolean endOfArchive, boolean complete, byte finalType, byte[] paxPath, byte[] paxLinkPath, byte[] longName, byte[] longLink) {
  static final int BLOCK = 512;
  static final int MAX_PAX_RECORDS = 4096;
  private static final TarHeaderChain END = new TarHeaderChain(true, false, (byte) 0, null, null, null, null);
  private static final TarHeaderChain INCOMPLETE = new TarHeaderChain(false, false, (byte) 0, null, null, null, null);

  static TarHeaderChain parse(byte[] raw, int start) {
    byte[] paxPath = null;
    byte[] paxLinkPath = null;
    byte[] longName = null;
    byte[] longLink = null;
    boolean sawLocalPax = false;
    boolean paxUid = false;
    boolean paxGid = false;
    int pos = start;
    while (pos + BLOCK <= raw.length) {
      if (isZero(raw, pos, BLOCK)) {
        if (sawLocalPax || longName != null || longLink != null) {
          // commons-compress quietly takes a GNU long name followed by the end for the end; GNU tar does not.
          throw new HostileInputException("PAX or GNU long-name header not followed by an entry");
        }
        if (pos + 2 * BLOCK <= raw.length && !isZero(raw, pos + BLOCK, BLOCK)) {
          // commons-compress takes the block after a lone zero block for the second end block, whatever it holds.
          throw new HostileInputException("a single zero block inside the tar archive");
        }
        return END;
      }
      if (!checksumMatches(raw, pos)) {
        // commons-compress does not check it; GNU tar does, and a stream that fails it is not a tar archive.
        throw new HostileInputException("tar header checksum mismatch (not a tar archive, or corrupt)");
      }
      byte type = raw[pos + 156];
      long size = number(raw, pos + 124, 12);
      long dataEnd = pos + (long) BLOCK + Math.max(size, 0);
      boolean extended = type == 'x' || type == 'X' || type == 'g' || type == 'L' || type == 'K';
      if (!extended) {
        checkOwner(raw, pos + 108, "uid", paxUid);
        checkOwner(raw, pos + 116, "gid", paxGid);
        return new TarHeaderChain(false, true, type, paxPath, paxLinkPath, longName, longLink);
      }
      if (size < 0 || dataEnd > raw.length) {
        return INCOMPLETE;
      }
      int data = pos + BLOCK;
      switch (type) {
        case 'x', 'X' -> {
          if (sawLocalPax) {
            throw new HostileInputException("two PAX headers for one entry");
          }
          sawLocalPax = true;
          Map<String, byte[]> records = records(raw, data, (int) size);
          for (String key : records.keySet()) {
            if (key.startsWith("GNU.sparse.")) {
              throw new HostileInputException("sparse files are not supported (PAX record " + key + ")");
            }
          }
          paxPath = records.get("path");
          paxLinkPath = records.get("linkpath");
          paxUid = records.containsKey("uid");
          paxGid = records.containsKey("gid");
        }
        case 'g' -> {
          for (String key : records(raw, data, (int) size).keySet()) {
            if (key.equals("path") || key.equals("linkpath") || key.equals("size") || key.startsWith("GNU.sparse.")) {
              throw new HostileInputException("global PAX header sets '" + key + "' for every later entry; refusing");
            }
          }
        }
        case 'L' -> {
          if (longName != null) {
            throw new HostileInputException("two GNU long names for one entry");
          }
          longName = cString(raw, data, (int) size);
        }
        default -> {
          if (longLink != null) {
            throw new HostileInputException("two GNU long link names for one entry");
          }
          longLink = cString(raw, data, (int) size);
        }
      }
      pos = (int) (dataEnd + Math.floorMod(-(dataEnd - start), (long) BLOCK));
    }
    return INCOMPLETE;
  }

  /** The entry's name as GNU tar reads it: PAX path, else GNU long name, else the ustar name (and prefix). */
  String name(TarArchiveEntry entry) {
    if (paxPath != null) {
      return strictUtf8(paxPath, "PAX path");
    }
    if (longName != null) {
      return strictUtf8(longName, "GNU long name");
    }
    // The tar reader decodes header fields as ISO-8859-1, which keeps every byte as it was.
    return strictUtf8(entry.getName().getBytes(StandardCharsets.ISO_8859_1), "name");
  }

  /** The link target as GNU tar reads it: PAX linkpath, else GNU long link name, else the ustar link name. */
  String linkName(TarArchiveEntry entry) {
    if (paxLinkPath != null) {
      return strictUtf8(paxLinkPath, "PAX linkpath");
    }
    if (longLink != null) {
      return strictUtf8(longLink, "GNU long link name");
    }
    return strictUtf8(entry.getLinkName().getBytes(StandardCharsets.ISO_8859_1), "link name");
  }

  /** Escapes bytes for a one-line message: printable ASCII as is, anything else as \xNN. */
  static String escape(byte[] bytes) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < bytes.length && i < 200; i++) {
      int c = bytes[i] & 0xff;
      if (c >= 0x20 && c < 0x7f && c != '\\') {
        b.append((char) c);
      } else {
        b.append(String.format("\\x%02x", c));
      }
    }
    return bytes.length > 200 ? b + "..." : b.toString();
  }

  private static String strictUtf8(byte[] bytes, String what) {
    try {
      return StrictUtf8.decode(bytes);
    } catch (CharacterCodingException e) {
      throw new HostileInputException("entry " + what + " is not valid UTF-8: '" + escape(bytes) + "'");
    }
  }

  /**
   * PAX records, {@code "<length> <key>=<value>\n"} each; the length counts the whole record. An empty value
   * removes the key, a later record replaces an earlier one, as POSIX says. NUL padding after the last record
   * is ignored.
   */
  private static Map<String, byte[]> records(byte[] raw, int off, int len) {
    Map<String, byte[]> records = new HashMap<>();
    int end = off + len;
    int p = off;
    int count = 0;
    while (p < end && raw[p] != 0) {
      int q = p;
      long length = 0;
      while (q < end && raw[q] >= '0' && raw[q] <= '9' && q - p < 10) {
        length = length * 10 + (raw[q] - '0');
        q++;
      }
      if (q == p || q >= end || raw[q] != ' ') {
        throw new HostileInputException("malformed PAX record at byte " + (p - off) + ": no length");
      }
      long recordEnd = p + length;
      if (recordEnd > end || recordEnd <= q + 2 || raw[(int) recordEnd - 1] != '\n') {
        throw new HostileInputException("malformed PAX record at byte " + (p - off) + ": length " + length + " does not end at a newline inside the header");
      }
      int equals = -1;
      for (int i = q + 1; i < recordEnd - 1; i++) {
        if (raw[i] == '=') {
          equals = i;
          break;
        }
      }
      if (equals <= q + 1) {
        throw new HostileInputException("malformed PAX record at byte " + (p - off) + ": no 'key=value'");
      }
      if (++count > MAX_PAX_RECORDS) {
        throw new HostileInputException("PAX header has more than " + MAX_PAX_RECORDS + " records");
      }
      String key = new String(raw, q + 1, equals - q - 1, StandardCharsets.ISO_8859_1);
      byte[] value = Arrays.copyOfRange(raw, equals + 1, (int) recordEnd - 1);
      if (value.length == 0) {
        records.remove(key);
      } else {
        records.put(key, value);
      }
      p = (int) recordEnd;
    }
    if (!isZero(raw, p, end - p)) {
      throw new HostileInputException("malformed PAX header: bytes after the NUL padding");
    }
    return records;
  }

  /** A GNU long name's data: a C string, trailing NULs dropped (an inner NUL stays and is refused later). */
  private static byte[] cString(byte[] raw, int off, int len) {
    int n = len;
    while (n > 0 && raw[off + n - 1] == 0) {
      n--;
    }
    return Arrays.copyOfRange(raw, off, off + n);
  }

  /**
   * An ustar owner field. commons-compress casts it to int, so a base-256 value of 2^32 would silently
   * become root; GNU tar refuses such values. A PAX uid/gid, when present, is what counts instead.
   */
  private static void checkOwner(byte[] raw, int off, String what, boolean overriddenByPax) {
    if (overriddenByPax || (raw[off] & 0x80) == 0) {
      return;
    }
    long v = number(raw, off, 8);
    if (v < 0 || v > Integer.MAX_VALUE) {
      throw new HostileInputException(what + " field holds a base-256 number out of range (0.." + Integer.MAX_VALUE + ")");
    }
  }

  /** A numeric field: octal digits, or GNU base-256 (high bit set); -1 when negative, too large or garbled. */
  private static long number(byte[] raw, int off, int len) {
    if ((raw[off] & 0x80) != 0) {
      if ((raw[off] & 0x40) != 0) {
        return -1;
      }
      // As commons-compress reads it: the value is in the bytes after the marker byte.
      long v = 0;
      for (int i = 1; i < len; i++) {
        if (v > (Long.MAX_VALUE >> 8)) {
          return -1;
        }
        v = (v << 8) | (raw[off + i] & 0xff);
      }
      return v;
    }
    int i = off;
    while (i < off + len && raw[i] == ' ') {
      i++;
    }
    long v = 0;
    for (; i < off + len && raw[i] != 0 && raw[i] != ' '; i++) {
      if (raw[i] < '0' || raw[i] > '7' || v > (Long.MAX_VALUE >> 3)) {
        return -1;
      }
      v = (v << 3) | (raw[i] - '0');
    }
    return v;
  }

  /** The header checksum as POSIX defines it (checksum field counted as spaces), unsigned or, as old tars wrote it, signed. */
  private static boolean checksumMatches(byte[] raw, int off) {
    long stored = number(raw, off + 148, 8);
    long unsigned = 0;
    long signed = 0;
    for (int i = 0; i < BLOCK; i++) {
      boolean inField = i >= 148 && i < 156;
      unsigned += inField ? ' ' : raw[off + i] & 0xff;
      signed += inField ? ' ' : raw[off + i];
    }
    return stored == unsigned || stored == signed;
  }

  private static boolean isZero(byte[] raw, int off, int len) {
    for (int i = off; i < off + len; i++) {
      if (raw[i] != 0) {
        return false;
      }
    }
    return true;
  }
}

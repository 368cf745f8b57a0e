package dev.sealbuild.prep.alpine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A strict, bounded reader for the tar streams inside .apk files and APKINDEX.tar.gz: ustar/POSIX
 * headers with PAX ({@code x}, {@code g}) and GNU long-name ({@code L}, {@code K}) extensions, header
 * checksums verified, every size bounded. A stream may end with the two zero blocks of a full archive or
 * simply at a block boundary (the "cut" tars abuild writes for signature and control streams).
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
  private final String source;
  private final int maxEntries;
  private final int maxPaxBytes;
  private final int maxNameBytes;
  private final byte[] header = new byte[BLOCK];
  private long remaining;
  private long padding;
  private int entries;
  private boolean ended;
  private boolean endMarkerSeen;

  TarStream(InputStream in, String source, int maxEntries, int maxPaxBytes, int maxNameBytes) {
    this.in = in;
    this.source = source;
    this.maxEntries = maxEntries;
    this.maxPaxBytes = maxPaxBytes;
    this.maxNameBytes = maxNameBytes;
  }

  /** A reader bounded by {@code limits}; {@code source} names the stream in error messages. */
  static TarStream of(InputStream in, String source, ApkLimits limits) {
    return new TarStream(in, source, limits.maxEntries(), limits.maxPaxBytes(), limits.maxNameBytes());
  }

  /** True if the archive ended with zero blocks rather than at the end of its stream. */
  boolean endMarkerSeen() {
    return endMarkerSeen;
  }

  /** The next entry, or null at the end; unread content of the previous entry is skipped. */
  Entry next() throws IOException {
    if (ended) {
      return null;
    }
    skipRest();
    Map<String, String> pax = new LinkedHashMap<>();
    String longName = null;
    String longLink = null;
    while (true) {
      if (!readBlock(header, true)) {
        ended = true;
        if (!pax.isEmpty() || longName != null || longLink != null) {
          throw new ApkException(source + ": archive ends after an extended header");
        }
        return null;
      }
      if (isZero(header)) {
        readEndMarker();
        return null;
      }
      if (++entries > maxEntries) {
        throw new ApkException(source + ": more than " + maxEntries + " tar entries");
      }
      verifyChecksum();
      char type = (char) (header[156] & 0xff);
      long size = number(124, 12, "size");
      switch (type) {
        case 'x', 'g' -> {
          byte[] data = readMeta(size, maxPaxBytes, "PAX header");
          if (type == 'x') {
            pax.putAll(parsePax(data));
          }
        }
        case 'L' -> longName = cString(readMeta(size, maxNameBytes, "GNU long name"), "GNU long name");
        case 'K' -> longLink = cString(readMeta(size, maxNameBytes, "GNU long link name"), "GNU long link name");
        default -> {
          return entry(type, size, pax, longName, longLink);
        }
      }
    }
  }

  /** The content of the current entry (regular files only), bounded by its size. */
  InputStream content() {
    return new InputStream() {
      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (remaining == 0) {
          return -1;
        }
        int n = in.read(b, off, (int) Math.min(len, remaining));
        if (n < 0) {
          throw new ApkException(source + ": archive is truncated inside an entry");
        }
        remaining -= n;
        return n;
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

  private Entry entry(char type, long size, Map<String, String> pax, String longName, String longLink)
      throws IOException {
    char normalized = (type == '\0' || type == '7') ? '0' : type;
    if ("0123456".indexOf(normalized) < 0) {
      throw new ApkException(source + ": unsupported tar entry type '" + Texts.abbreviate(String.valueOf(type)) + "'");
    }
    String name = longName != null ? longName : headerName();
    String linkName = longLink != null ? longLink : field(157, 100, "link name");
    long uid = number(108, 8, "uid");
    long gid = number(116, 8, "gid");
    long mtime = number(136, 12, "mtime");
    if (pax.containsKey("path")) {
      name = paxText(pax, "path");
    }
    if (pax.containsKey("linkpath")) {
      linkName = paxText(pax, "linkpath");
    }
    if (pax.containsKey("size")) {
      size = paxNumber(pax, "size");
    }
    if (pax.containsKey("uid")) {
      uid = paxNumber(pax, "uid");
    }
    if (pax.containsKey("gid")) {
      gid = paxNumber(pax, "gid");
    }
    if (name.isEmpty()) {
      throw new ApkException(source + ": tar entry with an empty name");
    }
    if (name.length() > maxNameBytes || linkName.length() > maxNameBytes) {
      throw new ApkException(source + ": tar entry name or link target longer than " + maxNameBytes + " bytes");
    }
    if (normalized != '0' && size != 0) {
      throw new ApkException(source + ": non-regular tar entry '" + Texts.abbreviate(name) + "' carries data");
    }
    int mode = (int) (number(100, 8, "mode") & 07777);
    remaining = size;
    padding = (BLOCK - size % BLOCK) % BLOCK;
    return new Entry(name, normalized, mode, uid, gid, size, mtime, linkName, Map.copyOf(pax));
  }

  private String headerName() throws IOException {
    String name = field(0, 100, "name");
    boolean posix = header[257] == 'u' && header[258] == 's' && header[259] == 't' && header[260] == 'a'
        && header[261] == 'r' && header[262] == 0;
    if (posix) {
      String prefix = field(345, 155, "name prefix");
      if (!prefix.isEmpty()) {
        name = prefix + "/" + name;
      }
    }
    return name;
  }

  private void skipRest() throws IOException {
    long toSkip = remaining + padding;
    remaining = 0;
    padding = 0;
    byte[] scratch = new byte[8192];
    while (toSkip > 0) {
      int n = in.read(scratch, 0, (int) Math.min(scratch.length, toSkip));
      if (n < 0) {
        throw new ApkException(source + ": archive is truncated inside an entry");
      }
      toSkip -= n;
    }
  }

  private void readEndMarker() throws IOException {
    ended = true;
    endMarkerSeen = true;
    byte[] second = new byte[BLOCK];
    if (readBlock(second, true) && !isZero(second)) {
      throw new ApkException(source + ": a single zero block inside the tar archive");
    }
  }

  private byte[] readMeta(long size, int max, String what) throws IOException {
    if (size > max) {
      throw new ApkException(source + ": " + what + " of " + size + " bytes exceeds the limit of " + max);
    }
    byte[] data = new byte[(int) size];
    readFully(data);
    long pad = (BLOCK - size % BLOCK) % BLOCK;
    readFully(new byte[(int) pad]);
    return data;
  }

  private Map<String, String> parsePax(byte[] data) {
    Map<String, String> records = new LinkedHashMap<>();
    int pos = 0;
    while (pos < data.length) {
      int space = pos;
      while (space < data.length && data[space] >= '0' && data[space] <= '9' && space - pos < 8) {
        space++;
      }
      if (space == pos || space >= data.length || data[space] != ' ') {
        throw new ApkException(source + ": malformed PAX record");
      }
      int length = Integer.parseInt(new String(data, pos, space - pos, StandardCharsets.US_ASCII));
      int end = pos + length;
      if (length <= space - pos + 1 || end > data.length || data[end - 1] != '\n') {
        throw new ApkException(source + ": malformed PAX record length");
      }
      String record = utf8(Arrays.copyOfRange(data, space + 1, end - 1), "PAX record");
      int equals = record.indexOf('=');
      if (equals <= 0) {
        throw new ApkException(source + ": malformed PAX record without key");
      }
      records.put(record.substring(0, equals), record.substring(equals + 1));
      pos = end;
    }
    return records;
  }

  private String paxText(Map<String, String> pax, String key) {
    String value = pax.get(key);
    if (value.indexOf('\0') >= 0) {
      throw new ApkException(source + ": NUL in PAX " + key);
    }
    return value;
  }

  private long paxNumber(Map<String, String> pax, String key) {
    String value = pax.get(key);
    if (value.isEmpty() || value.length() > 18 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new ApkException(source + ": invalid PAX " + key + " '" + Texts.abbreviate(value) + "'");
    }
    return Long.parseLong(value);
  }

  private void verifyChecksum() {
    long stored = number(148, 8, "checksum");
    long unsigned = 0;
    long signed = 0;
    for (int i = 0; i < BLOCK; i++) {
      int b = (i >= 148 && i < 156) ? ' ' : header[i];
      unsigned += b & 0xff;
      signed += (i >= 148 && i < 156) ? ' ' : header[i];
    }
    if (stored != unsigned && stored != signed) {
      throw new ApkException(source + ": tar header checksum mismatch (not a tar archive, or corrupt)");
    }
  }

  /** Parses an octal or base-256 numeric header field; negative or huge values are rejected. */
  private long number(int offset, int length, String what) {
    if ((header[offset] & 0x80) != 0) {
      if ((header[offset] & 0x40) != 0) {
        throw new ApkException(source + ": negative tar " + what);
      }
      long value = header[offset] & 0x3f;
      for (int i = 1; i < length; i++) {
        if (value > (Long.MAX_VALUE >> 10)) {
          throw new ApkException(source + ": tar " + what + " too large");
        }
        value = (value << 8) | (header[offset + i] & 0xff);
      }
      return value;
    }
    long value = 0;
    int i = 0;
    while (i < length && header[offset + i] == ' ') {
      i++;
    }
    for (; i < length; i++) {
      byte b = header[offset + i];
      if (b == 0 || b == ' ') {
        break;
      }
      if (b < '0' || b > '7') {
        throw new ApkException(source + ": invalid tar " + what + " field");
      }
      if (value > (Long.MAX_VALUE >> 4)) {
        throw new ApkException(source + ": tar " + what + " too large");
      }
      value = value * 8 + (b - '0');
    }
    return value;
  }

  private String field(int offset, int length, String what) throws IOException {
    int end = offset;
    while (end < offset + length && header[end] != 0) {
      end++;
    }
    return utf8(Arrays.copyOfRange(header, offset, end), what);
  }

  private String cString(byte[] data, String what) {
    int end = 0;
    while (end < data.length && data[end] != 0) {
      end++;
    }
    return utf8(Arrays.copyOf(data, end), what);
  }

  private String utf8(byte[] bytes, String what) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new ApkException(source + ": tar " + what + " is not valid UTF-8");
    }
  }

  /** Reads one block; false on a clean end of stream before its first byte (if allowed). */
  private boolean readBlock(byte[] block, boolean endAllowed) throws IOException {
    int n = in.readNBytes(block, 0, BLOCK);
    if (n == 0 && endAllowed) {
      return false;
    }
    if (n < BLOCK) {
      throw new ApkException(source + ": archive is truncated (partial tar block)");
    }
    return true;
  }

  private void readFully(byte[] data) throws IOException {
    if (in.readNBytes(data, 0, data.length) < data.length) {
      throw new ApkException(source + ": archive is truncated");
    }
  }

  private static boolean isZero(byte[] block) {
    for (byte b : block) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }
}

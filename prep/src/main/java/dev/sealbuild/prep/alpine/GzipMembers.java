package dev.sealbuild.prep.alpine;

import dev.sealbuild.formats.io.BulkInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Reads a file made of concatenated gzip members one member at a time, finding each member's exact
 * byte boundary (apk signs and hashes the raw compressed bytes of individual members). The raw bytes of
 * each member, header to trailer, are passed to the {@link RawSink}s given when opening it. Only gzip is
 * decoded, never auto-detected; header fields, compressed total and decompressed size are bounded.
 */
final class GzipMembers implements AutoCloseable {
  /** Receives the raw (compressed) bytes of a member as they are consumed. */
  interface RawSink {
    void update(byte[] bytes, int offset, int length);
  }

  private static final int MAX_HEADER_FIELD = 64 * 1024;

  private final InputStream in;
  private final String source;
  private final long maxCompressedBytes;
  private final byte[] buffer = new byte[64 * 1024];
  private int pos;
  private int limit;
  private boolean eof;
  private long offset;
  private Member open;

  GzipMembers(InputStream in, String source, long maxCompressedBytes) {
    this.in = in;
    this.source = source;
    this.maxCompressedBytes = maxCompressedBytes;
  }

  /** Absolute offset in the file of the next unread byte (after a member is drained: its end). */
  long offset() {
    return offset;
  }

  /** True if the file has no more bytes. The previous member must have been read to its end. */
  boolean atEnd() throws IOException {
    requireNoOpenMember();
    return !fill();
  }

  /**
   * Opens the next member and returns its decompressed bytes. The stream throws {@link ApkException} when
   * the member inflates to more than {@code maxDecompressed} bytes, is truncated, or fails its CRC/size
   * check; at its end the trailer has been verified and {@link #offset()} is the member's end.
   */
  InputStream next(String what, long maxDecompressed, List<RawSink> sinks) throws IOException {
    requireNoOpenMember();
    if (!fill()) {
      throw new ApkException(source + ": missing " + what + " (file ends before it)");
    }
    open = new Member(what, maxDecompressed, sinks);
    open.readHeader();
    return open;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  private void requireNoOpenMember() {
    if (open != null && !open.finished) {
      throw new IllegalStateException("previous gzip member not read to its end");
    }
  }

  /** Ensures at least one unread byte is buffered; false at end of file. */
  private boolean fill() throws IOException {
    if (pos < limit) {
      return true;
    }
    if (eof) {
      return false;
    }
    int n = in.read(buffer, 0, buffer.length);
    if (n <= 0) {
      eof = true;
      return false;
    }
    pos = 0;
    limit = n;
    return true;
  }

  private void consumed(List<RawSink> sinks, int from, int length) {
    for (RawSink sink : sinks) {
      sink.update(buffer, from, length);
    }
    offset += length;
    if (offset > maxCompressedBytes) {
      throw new ApkException(source + " is larger than the limit of " + maxCompressedBytes + " bytes");
    }
  }

  private final class Member extends BulkInputStream {
    private final String what;
    private final long maxDecompressed;
    private final List<RawSink> sinks;
    private final Inflater inflater = new Inflater(true);
    private final CRC32 crc = new CRC32();
    private long produced;
    private boolean finished;

    Member(String what, long maxDecompressed, List<RawSink> sinks) {
      this.what = what;
      this.maxDecompressed = maxDecompressed;
      this.sinks = sinks;
    }

    private int readRawByte() throws IOException {
      if (!fill()) {
        throw new ApkException(source + ": " + what + " is truncated");
      }
      int b = buffer[pos] & 0xff;
      consumed(sinks, pos, 1);
      pos++;
      return b;
    }

    private int readLittleEndian(int bytes) throws IOException {
      int value = 0;
      for (int i = 0; i < bytes; i++) {
        value |= readRawByte() << (8 * i);
      }
      return value;
    }

    void readHeader() throws IOException {
      if (readRawByte() != 0x1f || readRawByte() != 0x8b) {
        throw new ApkException(source + ": " + what + " is not a gzip stream");
      }
      if (readRawByte() != 8) {
        throw new ApkException(source + ": " + what + " uses an unknown gzip compression method");
      }
      int flags = readRawByte();
      if ((flags & 0xe0) != 0) {
        throw new ApkException(source + ": " + what + " has reserved gzip header flags set");
      }
      for (int i = 0; i < 6; i++) {
        readRawByte(); // mtime, extra flags, OS
      }
      if ((flags & 0x04) != 0) {
        int extraLength = readLittleEndian(2);
        for (int i = 0; i < extraLength; i++) {
          readRawByte();
        }
      }
      if ((flags & 0x08) != 0) {
        skipZeroTerminated("file name");
      }
      if ((flags & 0x10) != 0) {
        skipZeroTerminated("comment");
      }
      if ((flags & 0x02) != 0) {
        readLittleEndian(2);
      }
    }

    private void skipZeroTerminated(String field) throws IOException {
      for (int i = 0; readRawByte() != 0; i++) {
        if (i > MAX_HEADER_FIELD) {
          throw new ApkException(source + ": " + what + " has an oversized gzip " + field);
        }
      }
    }

    @Override
    public int read(byte[] out, int off, int len) throws IOException {
      if (finished) {
        return -1;
      }
      if (len == 0) {
        return 0;
      }
      while (true) {
        if (inflater.needsInput()) {
          if (!fill()) {
            throw new ApkException(source + ": " + what + " is truncated");
          }
          inflater.setInput(buffer, pos, limit - pos);
        }
        int before = inflater.getRemaining();
        int n;
        try {
          n = inflater.inflate(out, off, len);
        } catch (DataFormatException e) {
          throw new ApkException(source + ": " + what + " is corrupt (" + e.getMessage() + ")");
        }
        int used = before - inflater.getRemaining();
        consumed(sinks, pos, used);
        pos += used;
        if (n > 0) {
          crc.update(out, off, n);
          produced += n;
          if (produced > maxDecompressed) {
            throw new ApkException(source + ": " + what + " decompresses to more than " + maxDecompressed + " bytes");
          }
        }
        if (inflater.finished()) {
          finishMember();
          return n > 0 ? n : -1;
        }
        if (inflater.needsDictionary()) {
          throw new ApkException(source + ": " + what + " needs a preset dictionary");
        }
        if (n > 0) {
          return n;
        }
      }
    }

    private void finishMember() throws IOException {
      int expectedCrc = readLittleEndian(4);
      int expectedSize = readLittleEndian(4);
      inflater.end();
      finished = true;
      if (expectedCrc != (int) crc.getValue() || expectedSize != (int) produced) {
        throw new ApkException(source + ": " + what + " fails its gzip CRC/size check");
      }
    }

    @Override
    public void close() {
      inflater.end();
    }
  }
}

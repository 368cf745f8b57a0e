package dev.sealbuild.builder.hostile;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes tar streams block by block, including the forms commons-compress refuses to write: base-256 and
 * negative numbers, malformed or oversized PAX records, GNU long names in any order, cut-off streams.
 */
final class RawTar {
  static final int BLOCK = 512;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** One 512-byte header; fields not set are those of a root-owned 0644 regular file, mtime 0. */
  static final class Header {
    private final byte[] block = new byte[BLOCK];

    Header(byte[] name, char type) {
      set(0, 100, name);
      octal(100, 8, type == '5' ? 0755 : 0644);
      octal(108, 8, 0);
      octal(116, 8, 0);
      octal(124, 12, 0);
      octal(136, 12, 0);
      block[156] = (byte) type;
      set(257, 6, "ustar\0".getBytes(StandardCharsets.US_ASCII));
      set(263, 2, "00".getBytes(StandardCharsets.US_ASCII));
    }

    Header size(long size) {
      return octal(124, 12, size);
    }

    /** GNU base-256: 0x80 then 11 big-endian bytes; a negative value is written in two's complement (0xff...). */
    Header sizeBase256(long size) {
      return base256(124, 12, size);
    }

    Header uidBase256(long uid) {
      return base256(108, 8, uid);
    }

    Header mode(int mode) {
      return octal(100, 8, mode);
    }

    Header uid(long uid) {
      return octal(108, 8, uid);
    }

    Header gid(long gid) {
      return octal(116, 8, gid);
    }

    Header mtime(long seconds) {
      return octal(136, 12, seconds);
    }

    Header link(String target) {
      return link(target.getBytes(StandardCharsets.UTF_8));
    }

    Header link(byte[] target) {
      return set(157, 100, target);
    }

    Header device(int major, int minor) {
      octal(329, 8, major);
      return octal(337, 8, minor);
    }

    Header prefix(String prefix) {
      return set(345, 155, prefix.getBytes(StandardCharsets.UTF_8));
    }

    Header set(int offset, int length, byte[] value) {
      if (value.length > length) {
        throw new IllegalArgumentException("field at " + offset + " holds " + length + " bytes");
      }
      Arrays.fill(block, offset, offset + length, (byte) 0);
      System.arraycopy(value, 0, block, offset, value.length);
      return this;
    }

    private Header octal(int offset, int length, long value) {
      String digits = Long.toOctalString(value);
      if (digits.length() > length - 1) {
        throw new IllegalArgumentException(value + " does not fit " + length + " octal bytes");
      }
      String padded = "0".repeat(length - 1 - digits.length()) + digits;
      return set(offset, length, (padded + "\0").getBytes(StandardCharsets.US_ASCII));
    }

    private Header base256(int offset, int length, long value) {
      byte[] field = new byte[length];
      for (int i = length - 1; i >= 1; i--) {
        field[i] = (byte) value;
        value >>= 8;
      }
      field[0] = (byte) (value < 0 ? 0xff : 0x80);
      return set(offset, length, field);
    }

    byte[] block() {
      byte[] b = block.clone();
      Arrays.fill(b, 148, 156, (byte) ' ');
      long sum = 0;
      for (byte x : b) {
        sum += x & 0xff;
      }
      byte[] checksum = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(checksum, 0, b, 148, 8);
      return b;
    }
  }

  static Header header(String name, char type) {
    return new Header(name.getBytes(StandardCharsets.UTF_8), type);
  }

  static Header header(byte[] name, char type) {
    return new Header(name, type);
  }

  /** PAX records {@code "<len> key=value\n"} for alternating keys and values. */
  static byte[] paxRecords(String... keysAndValues) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      b.writeBytes(paxRecord(keysAndValues[i], keysAndValues[i + 1].getBytes(StandardCharsets.UTF_8)));
    }
    return b.toByteArray();
  }

  static byte[] paxRecord(String key, byte[] value) {
    int body = 1 + key.getBytes(StandardCharsets.UTF_8).length + 1 + value.length + 1;
    int length = body + String.valueOf(body).length();
    if (String.valueOf(length).length() != String.valueOf(body).length()) {
      length++;
    }
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes((length + " " + key + "=").getBytes(StandardCharsets.UTF_8));
    b.writeBytes(value);
    b.write('\n');
    return b.toByteArray();
  }

  RawTar add(Header header) {
    out.writeBytes(header.block());
    return this;
  }

  /** Entry data, padded to a whole block. */
  RawTar data(byte[] data) {
    out.writeBytes(data);
    out.writeBytes(new byte[Math.floorMod(-data.length, BLOCK)]);
    return this;
  }

  /** Bytes as they are, no padding: for cut-off streams. */
  RawTar raw(byte[] bytes) {
    out.writeBytes(bytes);
    return this;
  }

  RawTar file(String name, String content) {
    byte[] data = content.getBytes(StandardCharsets.UTF_8);
    return add(header(name, '0').size(data.length)).data(data);
  }

  RawTar dir(String name) {
    return add(header(name, '5'));
  }

  RawTar symlink(String name, String target) {
    return add(header(name, '2').mode(0777).link(target));
  }

  RawTar hardlink(String name, String target) {
    return add(header(name, '1').link(target));
  }

  /** A local ('x') or global ('g') PAX header carrying these records. */
  RawTar pax(char type, byte[] records) {
    return add(header("./PaxHeaders/entry", type).size(records.length)).data(records);
  }

  RawTar paxLocal(String... keysAndValues) {
    return pax('x', paxRecords(keysAndValues));
  }

  /** A GNU 'L' long-name record, as GNU tar writes it (name ././@LongLink, data NUL-terminated). */
  RawTar gnuLongName(byte[] name) {
    byte[] data = Arrays.copyOf(name, name.length + 1);
    return add(header("././@LongLink", 'L').size(data.length)).data(data);
  }

  RawTar gnuLongLink(byte[] name) {
    byte[] data = Arrays.copyOf(name, name.length + 1);
    return add(header("././@LongLink", 'K').size(data.length)).data(data);
  }

  /** The end-of-archive marker: two zero blocks. */
  RawTar end() {
    out.writeBytes(new byte[2 * BLOCK]);
    return this;
  }

  byte[] bytes() {
    return out.toByteArray();
  }
}

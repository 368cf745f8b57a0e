package dev.sealbuild.prep.alpine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Hand-crafted tar streams, including hostile ones, through {@link TarStream} (apk's view of the one tar reader). */
class TarStreamTest {
  @Test
  void readsPaxAndGnuLongNamesAndKnowsHowTheArchiveEnded() throws Exception {
    String longName = "usr/share/" + "d".repeat(150) + "/file";
    byte[] tar = concat(
        pax("path=" + longName + "\n", "linkpath=target\n"), header("short", '2', 0),
        gnuLong('L', "usr/lib/" + "x".repeat(200)), header("ignored", '0', 3), data("abc"),
        new byte[1024]);
    TarStream stream = stream(tar);
    TarStream.Entry first = stream.next();
    assertEquals(longName, first.name());
    assertEquals("target", first.linkName());
    assertEquals('2', first.type());
    TarStream.Entry second = stream.next();
    assertEquals("usr/lib/" + "x".repeat(200), second.name());
    assertEquals("abc", new String(stream.content().readAllBytes(), StandardCharsets.UTF_8));
    assertNull(stream.next());
    assertTrue(stream.endMarkerSeen());

    TarStream cut = stream(concat(header("a", '0', 1), data("z")));
    assertEquals("a", cut.next().name());
    assertNull(cut.next());
    assertFalse(cut.endMarkerSeen());
  }

  @Test
  void rejectsHostileHeaders() {
    assertEquals("t: not a valid tar archive (Truncated TAR archive)",
        fail(concat(header("././@PaxHeader", 'x', 2_000_000))));
    assertEquals("t: not a valid tar archive (Paxheader value size 91 exceeds size of header record)", fail(concat(rawPax("99 path=x\n"), header("a", '0', 0))));
    assertEquals("t: NUL in the name or link target of tar entry 'a\\x00b'", fail(concat(pax("path=a\0b\n"), header("a", '0', 0))));
    byte[] badChecksum = header("a", '0', 0);
    badChecksum[0] = 'b';
    assertEquals("t: headers of entry 'b': tar header checksum mismatch (not a tar archive, or corrupt)", fail(badChecksum));
    byte[] negative = header("a", '0', 0);
    negative[124] = (byte) 0xff;
    assertEquals("t: not a valid tar archive (Corrupted TAR archive.)", fail(resum(negative)));
    assertEquals("t: archive is truncated inside an entry",
        failRead(concat(header("a", '0', 1L << 32), data("abc"))));
    assertEquals("t: headers of the first entry: a single zero block inside the tar archive",
        fail(concat(new byte[512], header("a", '0', 0))));
    assertEquals("t: non-regular tar entry 'd/' carries data", fail(concat(header("d", '5', 10))));
    assertEquals("t: unsupported tar entry type 'S'", fail(concat(header("sparse", 'S', 0))));
    byte[] latin1 = header("a", '0', 0);
    latin1[0] = (byte) 0xe9;
    assertEquals("t: entry name is not valid UTF-8: '\\xe9'", fail(resum(latin1)));
    assertEquals("t: tar entry name or link target longer than 4096 bytes",
        fail(concat(pax("path=" + "p".repeat(5000) + "\n"), header("a", '0', 0))));
    assertEquals("t: archive ends without its end-of-archive marker (truncated, or not a tar archive)", fail(Arrays.copyOf(header("a", '0', 0), 100)));
    assertEquals("t: not a valid tar archive (premature end of tar archive. Didn't find any entry after PAX header.)", fail(pax("path=a\n")));
  }

  @Test
  void boundsTheNumberOfEntries() {
    byte[] many = new byte[0];
    for (int i = 0; i < 11; i++) {
      many = concat(many, header("f" + i, '0', 0));
    }
    TarStream stream = new TarStream(new ByteArrayInputStream(many), "t", 10, 4096);
    ApkException e = assertThrows(ApkException.class, () -> {
      while (stream.next() != null) {
        // read all
      }
    });
    assertEquals("t: more than 10 entries", e.getMessage());
  }

  private static TarStream stream(byte[] tar) {
    return new TarStream(new ByteArrayInputStream(tar), "t", 1000, 4096);
  }

  private static String fail(byte[] tar) {
    return assertThrows(ApkException.class, () -> {
      TarStream stream = stream(tar);
      while (stream.next() != null) {
        // read all
      }
    }).getMessage();
  }

  private static String failRead(byte[] tar) {
    return assertThrows(ApkException.class, () -> {
      TarStream stream = stream(tar);
      stream.next();
      stream.content().readAllBytes();
    }).getMessage();
  }

  /** A ustar header with a valid checksum. */
  static byte[] header(String name, char type, long size) {
    byte[] h = new byte[512];
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(n, 0, h, 0, Math.min(100, n.length));
    octal(h, 100, 8, 0644);
    octal(h, 108, 8, 0);
    octal(h, 116, 8, 0);
    octal(h, 124, 12, size);
    octal(h, 136, 12, 0);
    h[156] = (byte) type;
    System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 6);
    h[263] = '0';
    h[264] = '0';
    return resum(h);
  }

  static byte[] resum(byte[] h) {
    Arrays.fill(h, 148, 156, (byte) ' ');
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    octal(h, 148, 7, sum);
    h[155] = ' ';
    return h;
  }

  private static void octal(byte[] h, int offset, int length, long value) {
    String s = String.format("%0" + (length - 1) + "o", value);
    byte[] digits = s.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(digits, digits.length - (length - 1), h, offset, length - 1);
    h[offset + length - 1] = 0;
  }

  /** PAX records {@code "<length> key=value\n"}, where the length counts itself. */
  private static byte[] pax(String... records) {
    StringBuilder body = new StringBuilder();
    for (String record : records) {
      int content = record.getBytes(StandardCharsets.UTF_8).length + 1;
      int total = content + 1;
      while (content + String.valueOf(total).length() != total) {
        total = content + String.valueOf(total).length();
      }
      body.append(total).append(' ').append(record);
    }
    return rawPax(body.toString());
  }

  private static byte[] rawPax(String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return concat(header("./PaxHeaders/x", 'x', bytes.length), padded(bytes));
  }

  private static byte[] gnuLong(char type, String name) {
    byte[] bytes = (name + "\0").getBytes(StandardCharsets.UTF_8);
    return concat(header("././@LongLink", type, bytes.length), padded(bytes));
  }

  private static byte[] data(String content) {
    return padded(content.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] padded(byte[] bytes) {
    return Arrays.copyOf(bytes, (bytes.length + 511) / 512 * 512);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}

package dev.sealbuild.prep.alpine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.testsupport.apk.ApkStreams;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class GzipMembersTest {
  private static final byte[] ONE = ApkStreams.gzip("first member".getBytes(StandardCharsets.UTF_8));
  private static final byte[] TWO = ApkStreams.gzip(new byte[100_000]);

  @Test
  void splitsConcatenatedMembersAtTheirExactBoundaries() throws Exception {
    byte[] withHeaderFields = withOptionalHeaderFields(ONE);
    byte[] file = ApkStreams.concat(withHeaderFields, TWO, ONE);
    GzipMembers gzip = new GzipMembers(new ByteArrayInputStream(file), "test", Long.MAX_VALUE);
    int start = 0;
    for (byte[] member : List.of(withHeaderFields, TWO, ONE)) {
      MessageDigest raw = MessageDigest.getInstance("SHA-256");
      try (InputStream in = gzip.next("member", Long.MAX_VALUE, List.of(Digests.sink(raw)))) {
        in.readAllBytes();
      }
      assertEquals(start + member.length, gzip.offset());
      assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(member), raw.digest(),
          "the sink saw exactly the member's raw bytes");
      start += member.length;
    }
    assertTrue(gzip.atEnd());
  }

  @Test
  void rejectsBadInputWithOneLineErrors() {
    assertEquals("f: member is not a gzip stream", fail("not gzip at all".getBytes(StandardCharsets.UTF_8)));
    byte[] reserved = ONE.clone();
    reserved[3] = (byte) 0x20;
    assertEquals("f: member has reserved gzip header flags set", fail(reserved));
    byte[] badCrc = ONE.clone();
    badCrc[badCrc.length - 8] ^= 1;
    assertEquals("f: member fails its gzip CRC/size check", fail(badCrc));
    assertEquals("f: member is truncated", fail(Arrays.copyOf(TWO, TWO.length / 2)));
    assertEquals("f: member is truncated", fail(Arrays.copyOf(ONE, ONE.length - 3)));
    byte[] endlessName = ApkStreams.concat(new byte[] {0x1f, (byte) 0x8b, 8, 0x08, 0, 0, 0, 0, 0, 3},
        "x".repeat(70_000).getBytes(StandardCharsets.US_ASCII));
    assertEquals("f: member has an oversized gzip file name", fail(endlessName));
  }

  @Test
  void boundsDecompressedAndCompressedSizes() {
    ApkException big = assertThrows(ApkException.class, () -> readAll(TWO, Long.MAX_VALUE, 50_000));
    assertEquals("f: member decompresses to more than 50000 bytes", big.getMessage());
    ApkException large = assertThrows(ApkException.class, () -> readAll(TWO, 100, Long.MAX_VALUE));
    assertEquals("f is larger than the limit of 100 bytes", large.getMessage());
  }

  private static String fail(byte[] file) {
    return assertThrows(ApkException.class, () -> readAll(file, Long.MAX_VALUE, Long.MAX_VALUE)).getMessage();
  }

  private static void readAll(byte[] file, long maxCompressed, long maxDecompressed) throws IOException {
    GzipMembers gzip = new GzipMembers(new ByteArrayInputStream(file), "f", maxCompressed);
    while (!gzip.atEnd()) {
      try (InputStream in = gzip.next("member", maxDecompressed, List.of())) {
        in.readAllBytes();
      }
    }
  }

  /** Re-frames a member with FEXTRA, FNAME, FCOMMENT and FHCRC header fields around the same body. */
  private static byte[] withOptionalHeaderFields(byte[] member) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, 0x04 | 0x08 | 0x10 | 0x02, 0, 0, 0, 0, 0, 3});
    out.writeBytes(new byte[] {4, 0, 'a', 'b', 'c', 'd'});
    out.writeBytes("name.tar\0".getBytes(StandardCharsets.US_ASCII));
    out.writeBytes("a comment\0".getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(new byte[] {0, 0});
    out.writeBytes(Arrays.copyOfRange(member, 10, member.length));
    return out.toByteArray();
  }

  @Test
  void atEndIsFalseWhenMoreBytesFollow() throws Exception {
    GzipMembers gzip = new GzipMembers(new ByteArrayInputStream(ONE), "f", Long.MAX_VALUE);
    assertFalse(gzip.atEnd());
  }
}

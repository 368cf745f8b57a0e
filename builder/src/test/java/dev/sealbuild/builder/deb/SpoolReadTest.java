package dev.sealbuild.builder.deb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sealbuild.builder.archive.ContentSpool;
import dev.sealbuild.builder.fs.Content;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Package content is read back from the spool with ordinary InputStream calls. InputStream's contract says a
 * read of zero bytes returns 0; JDK helpers (readAllBytes, readNBytes, transferTo) make such calls once a
 * buffer is full, so a file of 8 KiB or more cannot be read with them.
 */
class SpoolReadTest {
  @Test
  void spooledPackageContentReadsWithReadAllBytes(@TempDir Path work) throws IOException {
    byte[] data = new byte[20_000];
    Arrays.fill(data, (byte) 'x');
    try (ContentSpool spool = new ContentSpool(work)) {
      Content content = spool.append(new ByteArrayInputStream(data), data.length, "package x:usr/share/big");
      try (InputStream in = content.open()) {
        assertEquals(0, in.read(new byte[4], 0, 0));
        assertArrayEquals(data, in.readAllBytes());
      }
    }
  }
}

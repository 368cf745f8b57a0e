package dev.sealbuild.formats.tar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.formats.HostileInputException;
import dev.sealbuild.formats.UserError;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;

/**
 * The guarded reader on its own; builder's hostile tests run the whole checklist through it and the image tree.
 */
class TarReaderTest {
  private interface Writer {
    void write(TarArchiveOutputStream tar) throws IOException;
  }

  private static byte[] tar(Writer writer) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name())) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      writer.write(tar);
    }
    return out.toByteArray();
  }

  private static void file(TarArchiveOutputStream tar, String name, String content) throws IOException {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(bytes.length);
    tar.putArchiveEntry(e);
    tar.write(bytes);
    tar.closeArchiveEntry();
  }

  private static List<String> names(byte[] tar, long maxEntries) throws IOException {
    TarReader reader = new TarReader(new ByteArrayInputStream(tar), "t.tar", maxEntries);
    List<String> names = new ArrayList<>();
    for (TarReader.Entry e = reader.next(); e != null; e = reader.next()) {
      names.add(e.name());
    }
    return names;
  }

  @Test
  void readsEntriesAndSkipsWhatTheCallerLeavesUnread() throws Exception {
    byte[] tar = tar(t -> {
      file(t, "a", "x".repeat(1000));
      file(t, "b/" + "long".repeat(40), "y");
    });
    assertEquals(List.of("a", "b/" + "long".repeat(40)), names(tar, 10));
  }

  @Test
  void regularFilesAreToldByTheTypeFlag() throws Exception {
    byte[] tar = tar(t -> {
      file(t, "f", "x");
      TarArchiveEntry link = new TarArchiveEntry("l", TarConstants.LF_SYMLINK);
      link.setLinkName("/etc/passwd");
      t.putArchiveEntry(link);
      t.closeArchiveEntry();
      TarArchiveEntry fifo = new TarArchiveEntry("p", TarConstants.LF_FIFO);
      t.putArchiveEntry(fifo);
      t.closeArchiveEntry();
    });
    TarReader reader = new TarReader(new ByteArrayInputStream(tar), "t.tar");
    assertTrue(reader.next().isRegularFile());
    TarReader.Entry link = reader.next();
    assertFalse(link.isRegularFile());
    assertEquals("/etc/passwd", link.linkName());
    TarReader.Entry fifo = reader.next();
    assertTrue(fifo.header().isFile(), "commons-compress calls a FIFO a file");
    assertFalse(fifo.isRegularFile());
    assertNull(reader.next());
  }

  @Test
  void moreEntriesThanTheLimitIsAnErrorNamingTheArchive() throws Exception {
    byte[] tar = tar(t -> {
      for (int i = 0; i < 4; i++) {
        file(t, "f" + i, "");
      }
    });
    HostileInputException e = assertThrows(HostileInputException.class, () -> names(tar, 3));
    assertEquals("t.tar: more than 3 entries", e.getMessage());
    assertTrue(e instanceof UserError);
  }

  @Test
  void anOversizedPaxHeaderIsRefusedBeforeCommonsCompressReadsIt() throws Exception {
    byte[] tar = tar(t -> {
      TarArchiveEntry e = new TarArchiveEntry("f");
      e.addPaxHeader("comment", "x".repeat(TarHeaderGuard.MAX_HEADER_BYTES + 10));
      t.putArchiveEntry(e);
      t.closeArchiveEntry();
    });
    HostileInputException e = assertThrows(HostileInputException.class, () -> names(tar, 10));
    assertTrue(e.getMessage().startsWith("t.tar: tar headers at offset 0 exceed 1048576 bytes"), e.getMessage());
  }

  @Test
  void aPaxPathIsTheNameUsed() throws Exception {
    byte[] tar = tar(t -> {
      TarArchiveEntry e = new TarArchiveEntry("harmless");
      e.addPaxHeader("path", "../x");
      t.putArchiveEntry(e);
      t.closeArchiveEntry();
    });
    assertEquals(List.of("../x"), names(tar, 10));
  }

  @Test
  void anArchiveWithoutItsEndMarkerIsRefused() throws Exception {
    byte[] whole = tar(t -> file(t, "a", "x"));
    byte[] cut = Arrays.copyOf(whole, 1024);
    HostileInputException e = assertThrows(HostileInputException.class, () -> names(cut, 10));
    assertEquals("t.tar: archive ends without its end-of-archive marker after entry 'a' (truncated, or not a tar archive)",
        e.getMessage());
    byte[] cutInData = Arrays.copyOf(whole, 600);
    assertThrows(HostileInputException.class, () -> names(cutInData, 10));
  }

  @Test
  void notTarIsAnError() {
    byte[] garbage = "this is not a tar archive at all".repeat(40).getBytes(StandardCharsets.US_ASCII);
    HostileInputException e = assertThrows(HostileInputException.class, () -> names(garbage, 10));
    assertTrue(e.getMessage().startsWith("t.tar: "), e.getMessage());
  }

  @Test
  void namesThatAreNotUtf8AreRefused() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out, StandardCharsets.ISO_8859_1.name())) {
      tar.putArchiveEntry(new TarArchiveEntry("a\u00ff"));
      tar.closeArchiveEntry();
    }
    HostileInputException e = assertThrows(HostileInputException.class, () -> names(out.toByteArray(), 10));
    assertEquals("t.tar: entry name is not valid UTF-8: 'a\\xff'", e.getMessage());
  }

  @Test
  void aCutTarIsAcceptedOnlyWhereTheCallerAllowsIt() throws Exception {
    byte[] whole = tar(t -> file(t, "a", "x"));
    byte[] cut = Arrays.copyOf(whole, 1024);
    TarReader reader = TarReader.cutAllowed(new ByteArrayInputStream(cut), "sig", 10);
    assertEquals("a", reader.next().name());
    assertNull(reader.next());
    assertFalse(reader.endMarkerSeen());
    TarReader full = TarReader.cutAllowed(new ByteArrayInputStream(whole), "sig", 10);
    full.next();
    assertNull(full.next());
    assertTrue(full.endMarkerSeen());
    assertThrows(HostileInputException.class, () -> names(cut, 10));
    byte[] partial = Arrays.copyOf(whole, 1024 + 100);
    TarReader partialReader = TarReader.cutAllowed(new ByteArrayInputStream(partial), "sig", 10);
    partialReader.next();
    assertThrows(HostileInputException.class, partialReader::next);
  }

  @Test
  void aHeaderWithAWrongChecksumIsNotTar() throws Exception {
    byte[] tar = tar(t -> file(t, "a", "x"));
    tar[0] = 'b';
    HostileInputException e = assertThrows(HostileInputException.class, () -> names(tar, 10));
    assertEquals("t.tar: headers of entry 'b': tar header checksum mismatch (not a tar archive, or corrupt)", e.getMessage());
  }

  @Test
  void aLoneZeroBlockBeforeMoreHeadersIsRefused() throws Exception {
    byte[] one = tar(t -> file(t, "b", ""));
    byte[] tar = new byte[512 + one.length];
    System.arraycopy(one, 0, tar, 512, one.length);
    HostileInputException e = assertThrows(HostileInputException.class, () -> names(tar, 10));
    assertEquals("t.tar: headers of the first entry: a single zero block inside the tar archive", e.getMessage());
  }
}

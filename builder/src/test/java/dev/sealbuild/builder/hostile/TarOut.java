package dev.sealbuild.builder.hostile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** Writes well-formed tar archives with commons-compress; names are kept as given (absolute ones too). */
final class TarOut {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes, "UTF-8");

  TarOut() {
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    tar.setAddPaxHeadersForNonAsciiNames(true);
  }

  TarOut file(String name, String content) {
    return file(name, content, 0644);
  }

  TarOut file(String name, String content, int mode) {
    byte[] data = content.getBytes(StandardCharsets.UTF_8);
    TarArchiveEntry e = entry(name, TarConstants.LF_NORMAL, 0100000 | mode);
    e.setSize(data.length);
    return put(e, data);
  }

  TarOut dir(String name) {
    return dir(name, 0755);
  }

  TarOut dir(String name, int mode) {
    return put(entry(name.endsWith("/") ? name : name + "/", TarConstants.LF_DIR, 040000 | mode), null);
  }

  TarOut symlink(String name, String target) {
    TarArchiveEntry e = entry(name, TarConstants.LF_SYMLINK, 0120777);
    e.setLinkName(target);
    return put(e, null);
  }

  TarOut hardlink(String name, String target) {
    TarArchiveEntry e = entry(name, TarConstants.LF_LINK, 0100644);
    e.setLinkName(target);
    return put(e, null);
  }

  /** Any entry, for owners, times and types the shortcuts above do not set. */
  TarOut entry(TarArchiveEntry e, byte[] data) {
    return put(e, data);
  }

  static TarArchiveEntry entry(String name, byte type, int mode) {
    TarArchiveEntry e = new TarArchiveEntry(name, type, true);
    e.setMode(mode);
    e.setUserId(0);
    e.setGroupId(0);
    e.setUserName("");
    e.setGroupName("");
    e.setModTime(0);
    return e;
  }

  private TarOut put(TarArchiveEntry e, byte[] data) {
    try {
      tar.putArchiveEntry(e);
      if (data != null) {
        tar.write(data);
      }
      tar.closeArchiveEntry();
      return this;
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  byte[] bytes() {
    try {
      tar.finish();
      tar.close();
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    return bytes.toByteArray();
  }
}

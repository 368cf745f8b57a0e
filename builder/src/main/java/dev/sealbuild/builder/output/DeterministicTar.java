package dev.sealbuild.builder.output;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** A tar writer for archive outputs: root-owned, 0644/0755, fixed mtime, no user or group names. */
final class DeterministicTar implements AutoCloseable {
  private final TarArchiveOutputStream tar;
  private final long mtimeMillis;

  DeterministicTar(OutputStream out, long epochSeconds) {
    this.tar = new TarArchiveOutputStream(out, "UTF-8");
    this.tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    this.tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    this.mtimeMillis = epochSeconds * 1000L;
  }

  void directory(String name) throws IOException {
    TarArchiveEntry e = entry(name.endsWith("/") ? name : name + "/", TarConstants.LF_DIR, 040755);
    tar.putArchiveEntry(e);
    tar.closeArchiveEntry();
  }

  void file(String name, byte[] bytes) throws IOException {
    TarArchiveEntry e = entry(name, TarConstants.LF_NORMAL, 0100644);
    e.setSize(bytes.length);
    tar.putArchiveEntry(e);
    tar.write(bytes);
    tar.closeArchiveEntry();
  }

  void file(String name, Path source) throws IOException {
    TarArchiveEntry e = entry(name, TarConstants.LF_NORMAL, 0100644);
    e.setSize(Files.size(source));
    tar.putArchiveEntry(e);
    try (InputStream in = Files.newInputStream(source)) {
      in.transferTo(tar);
    }
    tar.closeArchiveEntry();
  }

  /** A file whose bytes come from a stream of known size. */
  void file(String name, long size, InputStream in) throws IOException {
    TarArchiveEntry e = entry(name, TarConstants.LF_NORMAL, 0100644);
    e.setSize(size);
    tar.putArchiveEntry(e);
    in.transferTo(tar);
    tar.closeArchiveEntry();
  }

  private TarArchiveEntry entry(String name, byte flag, int mode) {
    TarArchiveEntry e = new TarArchiveEntry(name, flag);
    e.setMode(mode);
    e.setUserId(0);
    e.setGroupId(0);
    e.setUserName("");
    e.setGroupName("");
    e.setModTime(mtimeMillis);
    return e;
  }

  @Override
  public void close() throws IOException {
    tar.finish();
    tar.close();
  }
}

package dev.sealbuild.cli.it;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** Builds small tar and zip archives for tests, entry by entry. */
final class TestArchives {
  private TestArchives() {}

  static final class Tar implements AutoCloseable {
    private final TarArchiveOutputStream tar;

    Tar(Path file, boolean gzip) throws IOException {
      OutputStream out = Files.newOutputStream(file);
      if (gzip) {
        out = new GzipCompressorOutputStream(out);
      }
      tar = new TarArchiveOutputStream(out, "UTF-8");
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    }

    Tar dir(String name, int mode, int uid, int gid) throws IOException {
      TarArchiveEntry e = new TarArchiveEntry(name.endsWith("/") ? name : name + "/", TarConstants.LF_DIR);
      e.setMode(040000 | mode);
      e.setIds(uid, gid);
      e.setModTime(1_700_000_000_000L);
      tar.putArchiveEntry(e);
      tar.closeArchiveEntry();
      return this;
    }

    Tar file(String name, String content, int mode, int uid, int gid) throws IOException {
      byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
      TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_NORMAL, true);
      e.setMode(0100000 | mode);
      e.setIds(uid, gid);
      e.setUserName("someone");
      e.setGroupName("somegroup");
      e.setSize(bytes.length);
      e.setModTime(1_700_000_000_000L);
      tar.putArchiveEntry(e);
      tar.write(bytes);
      tar.closeArchiveEntry();
      return this;
    }

    Tar symlink(String name, String target) throws IOException {
      TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
      e.setLinkName(target);
      e.setMode(0120777);
      tar.putArchiveEntry(e);
      tar.closeArchiveEntry();
      return this;
    }

    Tar hardlink(String name, String target) throws IOException {
      TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_LINK);
      e.setLinkName(target);
      e.setMode(0100644);
      tar.putArchiveEntry(e);
      tar.closeArchiveEntry();
      return this;
    }

    @Override
    public void close() throws IOException {
      tar.finish();
      tar.close();
    }
  }

  static void zip(Path file, String... namesAndContents) throws IOException {
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
      for (int i = 0; i < namesAndContents.length; i += 2) {
        zip.putNextEntry(new ZipEntry(namesAndContents[i]));
        zip.write(namesAndContents[i + 1].getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
      }
    }
  }
}

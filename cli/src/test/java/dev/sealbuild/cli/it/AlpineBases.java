package dev.sealbuild.cli.it;

import dev.sealbuild.testsupport.apk.SigningKey;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** Alpine base root filesystems the ITs make from the real minirootfs. */
final class AlpineBases {
  private AlpineBases() {}

  /** The minirootfs with its own /etc/apk/repositories and only {@code key} in /etc/apk/keys. */
  static void withOwnRepositories(Path minirootfs, Path out, String repositories, SigningKey key) throws Exception {
    try (InputStream in = new GzipCompressorInputStream(Files.newInputStream(minirootfs));
        TarArchiveInputStream tin = new TarArchiveInputStream(in, "UTF-8");
        OutputStream o = new GzipCompressorOutputStream(Files.newOutputStream(out));
        TarArchiveOutputStream tout = new TarArchiveOutputStream(o, "UTF-8")) {
      tout.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      TarArchiveEntry e;
      while ((e = tin.getNextEntry()) != null) {
        String name = e.getName().replaceFirst("^\\./", "");
        if (name.equals("etc/apk/repositories") || (name.startsWith("etc/apk/keys/") && !e.isDirectory())) {
          continue;
        }
        tout.putArchiveEntry(e);
        if (e.isFile()) {
          tin.transferTo(tout);
        }
        tout.closeArchiveEntry();
      }
      add(tout, "etc/apk/repositories", repositories);
      add(tout, "etc/apk/keys/" + key.name(), key.publicPem());
    }
  }

  private static void add(TarArchiveOutputStream tar, String name, String text) throws Exception {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setMode(0100644);
    e.setSize(bytes.length);
    e.setModTime(1_700_000_000_000L);
    tar.putArchiveEntry(e);
    tar.write(bytes);
    tar.closeArchiveEntry();
  }
}

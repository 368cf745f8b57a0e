package dev.sealbuild.prep.alpine;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/** Index records written by the real {@code apk index} for package files: an independent reference. */
final class RealApkIndex {
  private RealApkIndex() {
  }

  /** Runs {@code apk index} in the chroot over the given files (name, bytes pairs) and parses its APKINDEX. */
  static List<ApkPackage> of(AlpineChroot chroot, Object... namesAndBytes) throws IOException, InterruptedException {
    return ApkIndex.parse("", text(chroot, namesAndBytes), "apk index output").packages();
  }

  /** The APKINDEX text {@code apk index} writes for the given files (name, bytes pairs). */
  static String text(AlpineChroot chroot, Object... namesAndBytes) throws IOException, InterruptedException {
    Path dir = chroot.newTempDir("apkindex-");
    Files.writeString(dir.resolve("no-repositories"), "");
    List<String> command = new ArrayList<>(List.of("/sbin/apk", "--repositories-file",
        chroot.inside(dir.resolve("no-repositories")), "--no-network", "index", "--allow-untrusted", "-o",
        chroot.inside(dir.resolve("index.tar.gz"))));
    for (int i = 0; i < namesAndBytes.length; i += 2) {
      Path file = dir.resolve((String) namesAndBytes[i]);
      Files.write(file, (byte[]) namesAndBytes[i + 1]);
      command.add(chroot.inside(file));
    }
    AlpineChroot.Run run = chroot.run(command, null);
    if (run.exitCode() != 0) {
      throw new IOException("apk index failed: " + run.stdout() + run.stderr());
    }
    byte[] index = Files.readAllBytes(dir.resolve("index.tar.gz"));
    try (TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(new ByteArrayInputStream(index)))) {
      for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        if (e.getName().equals("APKINDEX")) {
          return new String(tar.readAllBytes(), StandardCharsets.UTF_8);
        }
      }
    }
    throw new IOException("apk index wrote no APKINDEX");
  }
}

package dev.sealbuild.prep.packages;

import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.prep.debian.DpkgStatus;
import dev.sealbuild.prep.debian.InstalledDebianPackage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A Debian base's dpkg database: {@code /var/lib/dpkg/status} (a full Debian root) and {@code /var/lib/dpkg/status.d/*}
 * (as distroless images write one file per package). What it lists as installed is not installed again.
 */
public final class BaseDpkgDatabase {
  static final String STATUS = "var/lib/dpkg/status";
  static final String STATUS_DIR = "var/lib/dpkg/status.d";

  public static final Predicate<String> FILES = p -> p.equals(STATUS)
      || (p.startsWith(STATUS_DIR + "/") && p.indexOf('/', STATUS_DIR.length() + 1) < 0 && !p.endsWith(".md5sums"));

  private BaseDpkgDatabase() {}

  /** The installed packages and a digest of the database files (status, then status.d in name order). */
  public record Installed(List<InstalledDebianPackage> packages, Sha256 digest) {
    public static final Installed NONE = new Installed(List.of(), null);
  }

  public static Installed of(BaseFiles.Found base) {
    List<InstalledDebianPackage> packages = new ArrayList<>();
    StringBuilder digestInput = new StringBuilder();
    List<String> files = new ArrayList<>();
    base.get(STATUS).ifPresent(b -> files.add(STATUS));
    files.addAll(base.list(STATUS_DIR, ""));
    if (files.isEmpty()) {
      return Installed.NONE;
    }
    for (String file : files) {
      byte[] bytes = base.get(file).orElseThrow();
      String text = new String(bytes, StandardCharsets.UTF_8);
      try {
        packages.addAll(DpkgStatus.parse(text, base.label() + " /" + file, file.equals(STATUS)));
      } catch (IllegalArgumentException e) {
        throw new PackageException(base.label() + ": /" + file + ": " + e.getMessage());
      }
      digestInput.append(file).append('\0').append(Sha256.hash(bytes)).append('\n');
    }
    return new Installed(List.copyOf(packages), Sha256.hash(digestInput.toString().getBytes(StandardCharsets.UTF_8)));
  }
}
